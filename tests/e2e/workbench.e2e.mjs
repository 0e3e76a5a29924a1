// End-to-end: the real desktop binary under Xvfb, driven through tauri-driver + WebKitWebDriver.
// Creates a blueprint, types a template with a variable, sees the preview, saves v1, changes it,
// saves v2, checks the changed words in the diff, moves `prod` to v1, restarts the app and finds
// all of it again. Saves a screenshot of the workbench into docs/.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/workbench.e2e.mjs BINARY

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { step, sandbox, startDriver, launch, typeInEditor, editorText, createBlueprint, screenshot } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');

async function previewTexts(s) {
  return s.texts('[data-testid="preview-message"]');
}

async function save(s, message) {
  await (await s.find('[data-testid="save-button"]')).click();
  const input = await s.waitFind('[data-testid="save-message"]');
  await input.type(message);
  await (await s.find('[data-testid="save-confirm"]')).click();
}

async function versionNumbers(s) {
  const items = await s.findAll('[data-testid="version-item"]');
  return Promise.all(items.map((i) => i.attr('data-number')));
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  const box = sandbox();
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('create a blueprint');
    await createBlueprint(s, 'Support reply');

    step('type templates with a variable and see the preview');
    await typeInEditor(s, 'editor-system', 'You are a calm support agent.');
    await typeInEditor(s, 'editor-message-0', 'Answer the customer: {{ question }}');
    const sample = await s.waitFind('[data-testid="var-row"][data-var="question"] [data-testid="var-sample-question"]');
    await s.waitFor('the preview to name the missing variable', async () =>
      (await s.texts('[data-testid="preview-issue"]')).some((t) => t.includes('question')),
    );
    await sample.type('Where is my parcel?');
    await s.waitFor('the rendered preview', async () => {
      const t = await previewTexts(s);
      return t.length === 2 && t[1] === 'Answer the customer: Where is my parcel?';
    });
    assert.deepEqual(await previewTexts(s), ['You are a calm support agent.', 'Answer the customer: Where is my parcel?']);
    await s.waitFind('[data-testid="dirty-indicator"]');

    step('save v1');
    await save(s, 'first draft');
    await s.waitFor('version 1 in the history', async () => (await versionNumbers(s)).includes('1'));
    await s.waitFor('the unsaved marker to go away', async () => (await s.findAll('[data-testid="dirty-indicator"]')).length === 0);

    step('change a word and save v2');
    await typeInEditor(s, 'editor-system', 'You are a friendly support agent.');
    await s.waitFor('the preview to follow the edit', async () => (await previewTexts(s))[0] === 'You are a friendly support agent.');
    await save(s, 'friendlier');
    await s.waitFor('version 2 in the history', async () => (await versionNumbers(s)).join(',') === '2,1');

    step('open the diff and find the changed words');
    await (await s.find('[data-testid="diff-open"]')).click();
    await s.waitFind('[data-testid="diff-view"]');
    const inserted = await s.waitFor('emphasised inserted words', async () => {
      const els = await s.findAll('[data-testid="diff-emph"][data-op="insert"]');
      const t = await Promise.all(els.map((e) => e.text()));
      return t.length ? t : null;
    });
    const deleted = await s.texts('[data-testid="diff-emph"][data-op="delete"]');
    assert.ok(inserted.some((t) => t.includes('friendly')), `inserted: ${JSON.stringify(inserted)}`);
    assert.ok(deleted.some((t) => t.includes('calm')), `deleted: ${JSON.stringify(deleted)}`);
    assert.ok(!inserted.some((t) => t.includes('support')), 'unchanged words are not emphasised');
    screenshot('docs/diff.png');
    await (await s.find('[data-testid="diff-close"]')).click();

    step('move prod to v1');
    const v1 = await s.find('[data-testid="version-item"][data-number="1"]');
    await (await v1.find('[data-testid="label-move-prod"]')).click();
    await s.waitFor('prod to point at v1', async () => {
      const t = await (await s.find('[data-testid="label-badge"][data-label="prod"]')).text();
      return t.includes('v1');
    });
    assert.equal((await s.findAll('[data-testid="label-move-item"]')).length, 1);

    step('leave unsaved work, then restart');
    await typeInEditor(s, 'editor-system', 'You are a friendly, brief support agent.');
    await s.waitFind('[data-testid="dirty-indicator"]');
    await new Promise((r) => setTimeout(r, 1500)); // the draft autosave is debounced
    await s.waitFor('the toasts to fade', async () => (await s.findAll('[data-testid="toast"]')).length === 0, 10000);
    screenshot('docs/workbench.png');
    await s.quit();
    s = null;

    s = await launch(base, binary);
    step('after the restart, everything is there');
    const item = await s.waitFind('[data-testid="bp-item"][data-name="Support reply"]');
    await item.click();
    await s.waitFor('both versions', async () => (await versionNumbers(s)).join(',') === '2,1');
    const prod = await (await s.find('[data-testid="label-badge"][data-label="prod"]')).text();
    assert.ok(prod.includes('v1'), `prod badge: ${prod}`);
    assert.equal((await s.findAll('[data-testid="label-move-item"]')).length, 1);
    await s.waitFor('the draft in the editor', async () => (await editorText(s, 'editor-system')) === 'You are a friendly, brief support agent.');
    assert.equal(await editorText(s, 'editor-message-0'), 'Answer the customer: {{ question }}');
    await s.waitFind('[data-testid="dirty-indicator"]');
    console.log('e2e: workbench story passed');
  } finally {
    if (s) await s.quit().catch(() => {});
    driver.kill();
    box.cleanup();
  }
}

main().catch((e) => {
  console.error(`e2e FAILED: ${e.stack || e}`);
  process.exit(1);
});
