// End-to-end: a 2 versions × 2 models × 2 inputs comparison against bedrock-sim streams into the
// grid of the real app and completes; one model answers with HTML and a script, which show as
// inert text; after a restart the run reopens from the history exactly as it finished.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/runs.e2e.mjs APP SIM

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { step, sandbox, startDriver, launch, typeInEditor, retype, createBlueprint, screenshot, startSim, simScript, simulatorAws, waitForRun } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const simBinary = resolve(process.argv[3] || 'target/debug/bedrock-sim');
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const HOSTILE = 'Look: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> done.';

async function save(s, message) {
  await (await s.find('[data-testid="save-button"]')).click();
  const input = await s.waitFind('[data-testid="save-message"]');
  await input.type(message);
  await (await s.find('[data-testid="save-confirm"]')).click();
}

async function cellTexts(s) {
  return s.exec(`return Array.from(document.querySelectorAll('[data-testid="run-cell"]')).map((c) => [
    c.dataset.column, c.dataset.input, c.dataset.repeat, c.dataset.status,
    (c.querySelector('[data-testid="run-cell-text"]') || {}).textContent || '']);`);
}

async function addModel(s, label) {
  await retype(s, '[data-testid="run-model-input"]', label);
  await (await s.find('[data-testid="run-model-add"]')).click();
  await s.waitFind(`[data-testid="run-model-chip"][data-model="${label}"]`);
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  assert.ok(existsSync(simBinary), `no bedrock-sim binary at ${simBinary}`);
  const { sim, url } = await startSim(simBinary, ['--tokens-per-sec', '20']);
  await simScript(url, HAIKU, HOSTILE);
  const box = simulatorAws(sandbox());
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('Settings point at bedrock-sim; a blueprint with two versions');
    await (await s.find('[data-testid="settings-open"]')).click();
    await s.waitFind('[data-testid="settings-dialog"]');
    await retype(s, '[data-testid="settings-region"]', 'us-east-1');
    await retype(s, '[data-testid="settings-endpoint"]', url);
    await (await s.find('[data-testid="settings-save"]')).click();
    await s.waitFor('the settings to close', async () => (await s.findAll('[data-testid="settings-dialog"]')).length === 0);
    await createBlueprint(s, 'Capitals grid');
    await typeInEditor(s, 'editor-system', 'Answer in one sentence.');
    await typeInEditor(s, 'editor-message-0', 'What is the capital of {{ country }}?');
    await (await s.find('[data-testid="model-provider"] option[value="bedrock"]')).click();
    await retype(s, '[data-testid="model-id"]', NOVA);
    await save(s, 'first');
    await s.waitFind('[data-testid="version-item"][data-number="1"]');
    await typeInEditor(s, 'editor-system', 'Answer in one word.');
    await save(s, 'shorter');
    await s.waitFind('[data-testid="version-item"][data-number="2"]');

    step('a 2 × 2 × 2 run: versions, models, inputs');
    await (await s.find('[data-testid="run-new"]')).click();
    await s.waitFind('[data-testid="run-dialog"]');
    for (const v of ['1', '2']) {
      const box1 = await s.find(`[data-testid="run-version"][data-version="${v}"]`);
      if (!(await box1.prop('checked'))) await box1.click();
    }
    for (const chip of await s.findAll('[data-testid="run-model-chip"]')) {
      await (await chip.find('[data-testid="run-model-remove"]')).click();
    }
    await addModel(s, `bedrock:${NOVA}`);
    await addModel(s, `bedrock:${HAIKU}`);
    while ((await s.findAll('[data-testid="run-input-row"]')).length < 2) {
      await (await s.find('[data-testid="run-input-add"]')).click();
    }
    await retype(s, '[data-testid="run-input-value"][data-var="country"][data-row="0"]', 'France');
    await retype(s, '[data-testid="run-input-value"][data-var="country"][data-row="1"]', 'Spain');
    await retype(s, '[data-testid="run-repeats"]', '1');
    const cells = await s.waitFor('the estimate', async () => {
      const el = await s.findAll('[data-testid="run-estimate"][data-cells="8"]');
      return el.length ? el[0] : null;
    });
    assert.ok(Number(await cells.attr('data-cost-max')) > 0, 'a priced estimate');
    await (await s.find('[data-testid="run-start"]')).click();

    step('the grid streams and completes');
    const grid = await s.waitFind('[data-testid="run-grid"]', 20000);
    const runId = await grid.attr('data-run-id');
    assert.ok(runId, 'the grid knows its run');
    await s.waitFor('a cell streaming', async () =>
      (await cellTexts(s)).some(([, , , status, text]) => status === 'running' && text.length > 0),
    );
    await waitForRun(s, 8, 60000);
    const done = await cellTexts(s);
    assert.equal(done.length, 8);
    assert.ok(done.every(([, , , status]) => status === 'ok'), JSON.stringify(done));
    const spain = done.find(([c, i]) => c === '2' && i === '1');
    assert.equal(spain[4].trim(), 'echo: What is the capital of Spain?');

    step('HTML in a model answer stays text');
    const hostile = done.find(([c]) => c === '1');
    assert.ok(hostile[4].includes('<img src=x onerror='), hostile[4]);
    assert.ok(hostile[4].includes('<script>'), hostile[4]);
    const injected = await s.exec(
      `return document.querySelectorAll('[data-testid="run-grid"] img, [data-testid="run-grid"] script').length;`,
    );
    assert.equal(injected, 0);
    assert.equal(await s.exec('return window.__pwned === undefined;'), true);
    screenshot('docs/runs.png');
    await s.quit();
    s = null;

    step('after a restart the run reopens from the history');
    s = await launch(base, binary);
    await (await s.waitFind('[data-testid="runs-open"]')).click();
    await s.waitFind('[data-testid="runs-history"]');
    const item = await s.waitFind(`[data-testid="run-item"][data-run-id="${runId}"]`);
    assert.equal(await item.attr('data-status'), 'finished');
    await item.click();
    await s.waitFind(`[data-testid="run-grid"][data-run-id="${runId}"]`);
    await s.waitFor('the stored cells', async () => (await cellTexts(s)).length === 8);
    const reopened = await cellTexts(s);
    assert.deepEqual(
      reopened.map(([c, i, r, st, t]) => [c, i, r, st, t.trim()]).sort(),
      done.map(([c, i, r, st, t]) => [c, i, r, st, t.trim()]).sort(),
    );
    console.log('e2e: runs story passed');
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
