// End-to-end: in the real app, a comparison run of two models on four inputs becomes a blind
// pairwise review; the rater set in Settings rates its four items with the keyboard alone (A / B
// by what the answers say, T then U to undo, C to comment), the progress follows, and the
// review's results update: the model the rater preferred wins every item.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/review.e2e.mjs APP SIM

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { Keys } from './webdriver.mjs';
import { step, sandbox, startDriver, launch, typeInEditor, retype, createBlueprint, screenshot, startSim, simScript, simulatorAws, waitForRun } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const simBinary = resolve(process.argv[3] || 'target/debug/bedrock-sim');
const NOVA = 'amazon.nova-lite-v1:0';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const COUNTRIES = ['France', 'Spain', 'Peru', 'Chile'];

async function save(s, message) {
  await (await s.find('[data-testid="save-button"]')).click();
  const input = await s.waitFind('[data-testid="save-message"]');
  await input.type(message);
  await (await s.find('[data-testid="save-confirm"]')).click();
}

async function addModel(s, label) {
  await retype(s, '[data-testid="run-model-input"]', label);
  await (await s.find('[data-testid="run-model-add"]')).click();
  await s.waitFind(`[data-testid="run-model-chip"][data-model="${label}"]`);
}

const text = (s, css) => s.exec(`return (document.querySelector('${css}') || {}).textContent || '';`);
const progress = (s) => text(s, '[data-testid="rating-progress"]');

/** Waits until the progress reads `want` (e.g. "2 / 4"). */
async function progressIs(s, want) {
  try {
    await s.waitFor(`progress ${want}`, async () => (await progress(s)).trim() === want);
  } catch (e) {
    const seen = await s.exec(`return ['rating-progress', 'rating-item-position', 'rating-status', 'rating-error']
      .map((id) => id + ': ' + ((document.querySelector('[data-testid="' + id + '"]') || {}).textContent || '-'))
      .join(' | ') + ' | focus: ' + (document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : '-');`);
    throw new Error(`${e.message} (${seen})`);
  }
}

/**
 * Types into a field further down a long dialog (which scrolls smoothly): focus it from the page,
 * select what is there, and type, as Tab would bring a user there.
 */
async function typeInView(s, css, value) {
  await s.waitFind(css);
  await s.exec(`const el = document.querySelector('${css}'); el.focus(); el.select();`);
  await s.waitFor(`${css} to take focus`, async () =>
    s.exec(`return document.activeElement === document.querySelector('${css}');`));
  await s.keys([Keys.BACKSPACE], value);
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  assert.ok(existsSync(simBinary), `no bedrock-sim binary at ${simBinary}`);
  const { sim, url } = await startSim(simBinary);
  // Haiku always hedges; Nova (the echo) repeats the question. The rater prefers Nova.
  await simScript(url, HAIKU, 'It is hard to say, there are many capitals.');
  const box = simulatorAws(sandbox());
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('Settings: bedrock-sim, and who rates');
    await (await s.find('[data-testid="settings-open"]')).click();
    await s.waitFind('[data-testid="settings-dialog"]');
    await retype(s, '[data-testid="settings-region"]', 'us-east-1');
    await retype(s, '[data-testid="settings-endpoint"]', url);
    await typeInView(s, '[data-testid="rater-name"]', 'Rae Rater');
    await typeInView(s, '[data-testid="rater-email"]', 'rae@example.com');
    await (await s.find('[data-testid="settings-save"]')).click();
    await s.waitFor('the settings to close', async () => (await s.findAll('[data-testid="settings-dialog"]')).length === 0);

    step('a run of two models on four inputs');
    await createBlueprint(s, 'Capitals review');
    await typeInEditor(s, 'editor-message-0', 'What is the capital of {{ country }}?');
    await (await s.find('[data-testid="model-provider"] option[value="bedrock"]')).click();
    await retype(s, '[data-testid="model-id"]', NOVA);
    await save(s, 'first');
    await s.waitFind('[data-testid="version-item"][data-number="1"]');
    await (await s.find('[data-testid="run-new"]')).click();
    await s.waitFind('[data-testid="run-dialog"]');
    for (const chip of await s.findAll('[data-testid="run-model-chip"]')) {
      await (await chip.find('[data-testid="run-model-remove"]')).click();
    }
    await addModel(s, `bedrock:${NOVA}`);
    await addModel(s, `bedrock:${HAIKU}`);
    while ((await s.findAll('[data-testid="run-input-row"]')).length < COUNTRIES.length) {
      await (await s.find('[data-testid="run-input-add"]')).click();
    }
    for (const [i, c] of COUNTRIES.entries()) {
      await retype(s, `[data-testid="run-input-value"][data-var="country"][data-row="${i}"]`, c);
    }
    await retype(s, '[data-testid="run-repeats"]', '1');
    await s.waitFor('the estimate', async () => (await s.findAll('[data-testid="run-estimate"][data-cells="8"]')).length === 1);
    await (await s.find('[data-testid="run-start"]')).click();
    await s.waitFind('[data-testid="run-grid"]', 20000);
    await waitForRun(s, 8, 60000);

    step('Review…: a blind pairwise review of the two models');
    await (await s.waitFind('[data-testid="run-review"]')).click();
    await s.waitFind('[data-testid="review-title"]');
    await retype(s, '[data-testid="review-title"]', 'Capital answers');
    const pairwise = await s.find('[data-testid="review-kind-pairwise"]');
    if (!(await pairwise.prop('checked'))) await pairwise.click();
    for (const c of ['0', '1']) {
      const box1 = await s.find(`[data-testid="review-column-${c}"]`);
      if (!(await box1.prop('checked'))) await box1.click();
    }
    await (await s.find('[data-testid="review-create"]')).click();
    await (await s.waitFind('[data-testid="review-rate"]', 20000)).click();
    await s.waitFind('[data-testid="rating-screen"]');
    await progressIs(s, '0 / 4');
    const blind = await s.exec(`return document.querySelector('[data-testid="rating-screen"]').textContent;`);
    for (const secret of ['nova', 'haiku', 'Nova', 'Haiku', 'v1 ·']) {
      assert.ok(!blind.includes(secret), `the rating screen reveals ${secret}`);
    }

    step('four items rated with the keyboard alone');
    const preferred = () => text(s, '[data-testid="rating-answer-a"] [data-testid="rating-answer-text"]')
      .then((a) => (a.includes('echo:') ? 'a' : 'b'));
    const position = () => text(s, '[data-testid="rating-item-position"]');
    const atItem = (n) => s.waitFor(`item ${n}`, async () => (await position()).trim() === `Item ${n} of 4`);
    // T on the first item (the screen moves on), then U takes it back (and returns to it).
    await atItem(1);
    await s.keys('t');
    await progressIs(s, '1 / 4');
    await atItem(2);
    await s.keys('u');
    await progressIs(s, '0 / 4');
    await atItem(1);
    for (let n = 1; n <= 4; n++) {
      const prompt = await text(s, '[data-testid="rating-prompt"]');
      assert.ok(COUNTRIES.some((c) => prompt.includes(c)), `item ${n} shows its prompt: ${prompt}`);
      if (n === 2) {
        await s.keys('c');
        await s.waitFor('the comment box to take focus', async () =>
          s.exec(`return document.activeElement && document.activeElement.dataset.testid === 'rating-comment';`));
        await s.keys('clearer');
        await s.keys([Keys.CONTROL, Keys.ENTER]);
        await s.waitFor('the comment box to let go', async () =>
          s.exec(`return !(document.activeElement && document.activeElement.dataset.testid === 'rating-comment');`));
      }
      if (n === 3) {
        await s.keys('d');
        await s.waitFind('[data-testid="rating-diff-word"]');
        screenshot('docs/review.png');
      }
      await s.keys(await preferred());
      await progressIs(s, `${n} / 4`);
      if (n < 4) await atItem(n + 1);
    }
    await s.waitFind('[data-testid="rating-done"]');
    await s.keys([Keys.ESCAPE]);
    await s.waitFor('the rating screen to close', async () => (await s.findAll('[data-testid="rating-screen"]')).length === 0);

    step('the results: Nova wins every item');
    const results = await s.waitFind('[data-testid="review-results"]', 20000);
    assert.ok(results);
    const summary = await s.waitFor('the summary', async () => {
      const t = await text(s, '[data-testid="review-summary"]');
      return t.includes('4 items') ? t : null;
    });
    assert.match(summary, /nova/i, summary);
    const rate = await text(s, '[data-testid="pair-win-rate"]');
    assert.match(rate, /100%/, rate);
    screenshot('docs/review-results.png');
    console.log('e2e: review story passed');
  } finally {
    if (s) await s.quit().catch(() => {});
    driver.kill();
    sim.kill();
    box.cleanup();
  }
}

main().catch((e) => {
  console.error(`e2e FAILED: ${e.stack || e}`);
  process.exit(1);
});
