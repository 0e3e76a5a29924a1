// End-to-end: the real desktop binary under Xvfb, driven through tauri-driver + WebKitWebDriver.
// Creates a blueprint, types a template with a variable, sees the preview, saves v1, changes it,
// saves v2, checks the changed words in the diff, moves `prod` to v1, restarts the app and finds
// all of it again. Saves a screenshot of the workbench into docs/.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/workbench.e2e.mjs BINARY

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { Session, Keys } from './webdriver.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const port = 4444 + Math.floor(Math.random() * 1000);
const root = mkdtempSync(join(tmpdir(), 'galley-e2e-'));
const dataDir = join(root, 'data');
const home = join(root, 'home');
mkdirSync(home, { recursive: true });

const env = {
  ...process.env,
  GALLEY_DATA_DIR: dataDir,
  HOME: home,
  XDG_DATA_HOME: join(home, '.local/share'),
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_CACHE_HOME: join(home, '.cache'),
  WEBKIT_DISABLE_COMPOSITING_MODE: '1',
  GALLEY_AUTHOR: 'e2e',
  NO_AT_BRIDGE: '1',
};

function step(name) {
  console.log(`  · ${name}`);
}

async function startDriver() {
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error('tauri-driver did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { driver, base };
}

async function launch(base) {
  const s = await Session.start(base, { alwaysMatch: { 'tauri:options': { application: binary } } });
  await s.waitFind('[data-testid="bp-new"]', 30000);
  return s;
}

async function typeInEditor(s, testid, text) {
  const content = await s.waitFind(`[data-testid="${testid}"] .cm-content`);
  await content.click();
  await s.keys([Keys.CONTROL, 'a'], [Keys.BACKSPACE]);
  await content.type(text);
}

async function editorText(s, testid) {
  return s.exec(
    `const el = document.querySelector('[data-testid="${testid}"] .cm-content');
     return el ? Array.from(el.querySelectorAll('.cm-line')).map((l) => l.textContent).join('\\n') : null;`,
  );
}

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

function screenshot(path) {
  mkdirSync('docs', { recursive: true });
  execFileSync('import', ['-window', 'root', path]);
  console.log(`  · screenshot saved to ${path}`);
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  const { driver, base } = await startDriver();
  let s;
  try {
    s = await launch(base);

    step('create a blueprint');
    await (await s.find('[data-testid="bp-new"]')).click();
    const name = await s.waitFind('[data-testid="bp-new-name"]');
    await name.type('Support reply' + Keys.ENTER);
    await s.waitFor('the new blueprint to be selected', async () => {
      const el = await s.find('[data-testid="bp-item"][data-name="Support reply"]');
      return (await el.attr('aria-selected')) === 'true';
    });

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

    s = await launch(base);
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
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`e2e FAILED: ${e.stack || e}`);
  process.exit(1);
});
