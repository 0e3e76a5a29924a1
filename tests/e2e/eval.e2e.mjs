// End-to-end: in the real app, a blueprint version gets an assertion and a gate, a CSV dataset is
// imported (one bad file first: its bad rows are named by line and nothing is imported), a run on
// the dataset's cases scores every cell as it finishes, and the Evaluation tab shows the pass rate
// per variant with its confidence interval and the gate's verdict.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/eval.e2e.mjs APP SIM

import { existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { Keys } from './webdriver.mjs';
import { step, sandbox, startDriver, launch, typeInEditor, retype, createBlueprint, screenshot, startSim, simulatorAws, waitForRun } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const simBinary = resolve(process.argv[3] || 'target/debug/bedrock-sim');
const NOVA = 'amazon.nova-lite-v1:0';

// bedrock-sim echoes the question: three of the four carry their answer
const GOOD_CSV = [
  'question,reference,category',
  '"What is the capital of France? Paris",Paris,europe',
  '"What is the capital of Spain? Madrid",Madrid,europe',
  '"What is the capital of Peru?",Lima,americas',
  '"What is the capital of Chile? Santiago",Santiago,americas',
  '',
].join('\n');
const BAD_CSV = ['question,reference', '"ok",1', '"two",2,extra', '"fine",3', 'also bad', ''].join('\n');

async function save(s, message) {
  await (await s.find('[data-testid="save-button"]')).click();
  const input = await s.waitFind('[data-testid="save-message"]');
  await input.type(message);
  await (await s.find('[data-testid="save-confirm"]')).click();
}

/** Chooses a file in the area's file input, as the browser's own file chooser would. */
async function chooseFile(s, path) {
  const input = await s.waitFind('[data-testid="dataset-file"]');
  await input.type(path);
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  assert.ok(existsSync(simBinary), `no bedrock-sim binary at ${simBinary}`);
  const files = mkdtempSync(join(tmpdir(), 'galley-e2e-eval-'));
  const good = join(files, 'capitals.csv');
  const bad = join(files, 'broken.csv');
  writeFileSync(good, GOOD_CSV);
  writeFileSync(bad, BAD_CSV);
  const { sim, url } = await startSim(simBinary);
  const box = simulatorAws(sandbox());
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('Settings point at bedrock-sim; a blueprint with an assertion and a 70% gate');
    await (await s.find('[data-testid="settings-open"]')).click();
    await s.waitFind('[data-testid="settings-dialog"]');
    await retype(s, '[data-testid="settings-region"]', 'us-east-1');
    await retype(s, '[data-testid="settings-endpoint"]', url);
    await (await s.find('[data-testid="settings-save"]')).click();
    await s.waitFor('the settings to close', async () => (await s.findAll('[data-testid="settings-dialog"]')).length === 0);
    await createBlueprint(s, 'Capitals eval');
    await typeInEditor(s, 'editor-system', 'Answer briefly.');
    await typeInEditor(s, 'editor-message-0', '{{ question }}');
    await (await s.find('[data-testid="model-provider"] option[value="bedrock"]')).click();
    await retype(s, '[data-testid="model-id"]', NOVA);
    const panel = await s.waitFind('[data-testid="evaluators-panel"]');
    if ((await (await s.find('[data-testid="evaluators-toggle"]')).attr('aria-expanded')) !== 'true') {
      await (await s.find('[data-testid="evaluators-toggle"]')).click();
    }
    await (await s.waitFind('[data-testid="evaluator-add"]')).click();
    await (await s.waitFind('[data-testid="evaluator-add-contains"]')).click();
    await retype(s, '[data-testid="evaluator-name"]', 'names the city');
    await retype(s, '[data-testid="evaluator-value"]', '{{ reference }}');
    await retype(s, '[data-testid="threshold-pass-rate"]', '70');
    assert.ok(panel);
    await (await s.find('[data-testid="evaluators-panel"]')).click();
    screenshot('docs/evaluators.png');
    await save(s, 'with a gate');
    await s.waitFind('[data-testid="version-item"][data-number="1"]');

    step('a broken CSV is refused with its bad lines; the good one becomes a dataset');
    await (await s.find('[data-testid="datasets-open"]')).click();
    await s.waitFind('[data-testid="datasets-area"]');
    await chooseFile(s, bad);
    const text = await s.waitFor('the problems of the file', async () =>
      s.exec(`return (document.querySelector('[data-testid="import-problems"]') || {}).textContent || '';`),
    );
    assert.match(text, /line 3/);
    assert.match(text, /line 5/);
    await (await s.find('[data-testid="import-close"]')).click();
    assert.equal((await s.findAll('[data-testid="dataset-item"]')).length, 0, 'nothing half-imported');
    await chooseFile(s, good);
    await s.waitFind('[data-testid="dataset-item"][data-name="capitals"]', 20000);
    await s.waitFor('the four cases', async () => (await s.findAll('[data-testid="dataset-row"]')).length === 4);
    screenshot('docs/datasets.png');
    await s.keys([Keys.ESCAPE]);
    await s.waitFor('the area to close', async () => (await s.findAll('[data-testid="datasets-area"]')).length === 0);

    step('a run on the dataset scores every cell');
    await (await s.find('[data-testid="run-new"]')).click();
    await s.waitFind('[data-testid="run-dialog"]');
    await (await s.waitFind('[data-testid="inputs-source"] [data-source="dataset"]')).click();
    const select = await s.waitFind('[data-testid="run-dataset"]');
    const option = await s.waitFor('the dataset in the picker', async () => (await select.findAll('option:not([value=""])'))[0]);
    if (!(await option.prop('selected'))) await option.click();
    await s.waitFor('the estimate', async () => (await s.findAll('[data-testid="run-estimate"][data-cells="4"]')).length === 1);
    await (await s.find('[data-testid="run-start"]')).click();
    const grid = await s.waitFind('[data-testid="run-grid"]', 20000);
    assert.ok(await grid.attr('data-run-id'));
    await waitForRun(s, 4, 120000);

    step('the Evaluation tab: pass rate with its interval, and the gate');
    await (await s.waitFind('[data-testid="run-tab-eval"]')).click();
    await s.waitFind('[data-testid="eval-results"]', 20000);
    const bar = await s.waitFind('[data-testid="pass-rate-chart"] [data-testid="pass-rate-bar"]', 20000);
    assert.equal(Number(await bar.attr('data-estimate')), 0.75);
    const low = Number(await bar.attr('data-low'));
    const high = Number(await bar.attr('data-high'));
    assert.ok(low < 0.75 && high >= 0.75 && low >= 0 && high <= 1, `interval ${low}–${high}`);
    const gate = await s.waitFind('[data-testid="run-tab-gate"]');
    assert.equal((await gate.text()).toLowerCase(), 'pass');
    screenshot('docs/eval.png');
    console.log('e2e: evaluation story passed');
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
