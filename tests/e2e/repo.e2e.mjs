// End-to-end: in the real app, a prompt engineer exports the prod blueprint into a new git
// repository (initialised by the dialog) in one commit with the workflow, under the git identity
// of the user's own git configuration; then, after a colleague's hand edit of the file while
// Galley moved on, imports it back: the dialog shows the conflict and takes the file's edit as a
// new version.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/repo.e2e.mjs APP

import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { Keys } from './webdriver.mjs';
import { step, sandbox, startDriver, launch, typeInEditor, editorText, retype, click, createBlueprint, screenshot } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const FILE = 'blueprints/support-reply.galley.yaml';
const WORKFLOW = '.github/workflows/galley-eval.yml';
const SCHEMA = 'schemas/blueprint.schema.json';

async function save(s, message) {
  await (await s.find('[data-testid="save-button"]')).click();
  const input = await s.waitFind('[data-testid="save-message"]');
  await input.type(message);
  await (await s.find('[data-testid="save-confirm"]')).click();
}

const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: gitEnv }).trim();
let gitEnv = process.env;

async function openDialog(s) {
  await s.keys([Keys.CONTROL, Keys.SHIFT, 'e']);
  await s.waitFind('[data-testid="repo-dialog"]');
}

async function closeDialog(s) {
  await s.keys([Keys.ESCAPE]);
  await s.waitFor('the dialog to close', async () => (await s.findAll('[data-testid="repo-dialog"]')).length === 0);
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  const box = sandbox();
  // The user's own git identity, in the sandbox HOME the app runs with.
  writeFileSync(join(box.env.HOME, '.gitconfig'), '[user]\n\tname = Prompt Engineer\n\temail = engineer@example.com\n');
  gitEnv = { ...process.env, HOME: box.env.HOME, GIT_CONFIG_NOSYSTEM: '1' };
  const outer = mkdtempSync(join(tmpdir(), 'galley-e2e-repo-'));
  const repo = join(outer, 'prompts-repo');
  mkdirSync(repo);
  writeFileSync(join(outer, 'beside.txt'), 'not to be touched\n');
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('a blueprint saved as v1 with prod on it');
    await createBlueprint(s, 'Support reply');
    await typeInEditor(s, 'editor-system', 'You are a calm support agent.');
    await typeInEditor(s, 'editor-message-0', 'Answer the customer: {{ question }}');
    await save(s, 'first');
    const v1 = await s.waitFind('[data-testid="version-item"][data-number="1"]');
    await (await v1.find('[data-testid="label-move-prod"]')).click();
    await s.waitFor('prod to point at v1', async () => {
      const t = await (await s.find('[data-testid="label-badge"][data-label="prod"]')).text();
      return t.includes('v1');
    });

    step('Ctrl+Shift+E: the prod blueprints into a new repository, previewed, then one commit');
    await openDialog(s);
    await retype(s, '[data-testid="repo-dir"]', repo);
    await (await s.find('[data-testid="repo-label"] option[value="prod"]')).click();
    await click(s, '[data-testid="repo-workflow"]');
    await click(s, '[data-testid="repo-preview"]');
    await s.waitFind(`[data-testid="repo-file"][data-path="${FILE}"][data-change="added"]`, 20000);
    await s.waitFind(`[data-testid="repo-file"][data-path="${WORKFLOW}"][data-change="added"]`);
    const state = await s.waitFind('[data-testid="repo-git-state"]');
    assert.equal(await state.attr('data-repo'), 'no', 'the folder is not a repository yet');
    assert.ok(!existsSync(join(repo, FILE)), 'a preview writes nothing');
    await click(s, '[data-testid="repo-init"]');
    const commitBox = await s.find('[data-testid="repo-commit"]');
    if (!(await commitBox.prop('checked'))) await click(s, '[data-testid="repo-commit"]');
    await retype(s, '[data-testid="repo-commit-message"]', 'Support reply at prod');
    // A changed option makes the plan stale: the first Ctrl+Enter shows it again, the second
    // applies it.
    await s.keys([Keys.CONTROL, Keys.ENTER]);
    await s.waitFind(`[data-testid="repo-file"][data-path="${FILE}"][data-change="added"]`, 20000);
    assert.ok(!existsSync(join(repo, '.git')), 'previewing an init does not run it');
    await s.keys([Keys.CONTROL, Keys.ENTER]);
    const idEl = await s.waitFind('[data-testid="repo-commit-id"]', 30000);
    const shown = (await idEl.text()).trim();
    assert.match(shown, /^[0-9a-f]{7,40}$/, `commit id shown: ${shown}`);
    screenshot('docs/repo.png');

    step('the commit: the user git identity, the message, exactly the exported files');
    const [sha, author, email, subject] = git(repo, 'log', '-1', '--format=%H%n%an%n%ae%n%s').split('\n');
    assert.ok(sha.startsWith(shown), `${sha} starts with ${shown}`);
    assert.equal(author, 'Prompt Engineer');
    assert.equal(email, 'engineer@example.com');
    assert.equal(subject, 'Support reply at prod');
    const files = git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort();
    assert.deepEqual(files, [WORKFLOW, FILE, SCHEMA].sort());
    assert.equal(readFileSync(join(outer, 'beside.txt'), 'utf8'), 'not to be touched\n');
    const text = readFileSync(join(repo, FILE), 'utf8');
    assert.match(text, /name: Support reply/);
    assert.match(text, /prod: 1/);
    assert.match(text, /You are a calm support agent\./);
    await closeDialog(s);

    step('Galley moves on to v2 while a colleague edits v1 in the file');
    await typeInEditor(s, 'editor-system', 'You are a friendly support agent.');
    await save(s, 'friendlier');
    await s.waitFind('[data-testid="version-item"][data-number="2"]');
    writeFileSync(join(repo, FILE), text.replace('You are a calm support agent.', 'You are a patient support agent.'));

    step('the import shows the conflict; taking the file\'s edit makes v3');
    await openDialog(s);
    await click(s, '[data-testid="repo-tab-import"]');
    await retype(s, '[data-testid="repo-import-path"]', repo);
    await click(s, '[data-testid="repo-import-preview"]');
    const item = await s.waitFind(`[data-testid="repo-import-item"][data-kind="blueprint"]`, 20000);
    assert.equal(await item.attr('data-outcome'), 'conflict');
    assert.deepEqual(await s.texts('[data-testid="repo-import-item"][data-kind="blueprint"] .path'), [FILE], 'the file is shown relative to the folder');
    await s.waitFind('[data-testid="repo-conflict"]');
    const select = await s.waitFind('[data-testid="repo-resolve"]');
    await (await select.find('option[value="theirs"]')).click();
    await s.waitFor('the preview of taking the file\'s edit', async () => {
      const el = (await s.findAll('[data-testid="repo-import-item"][data-kind="blueprint"]'))[0];
      return el && (await el.attr('data-resolution')) === 'theirs';
    });
    assert.ok(!(await s.findAll('[data-testid="version-item"][data-number="3"]')).length, 'a preview imports nothing');
    screenshot('docs/repo-import.png');
    await click(s, '[data-testid="repo-import-apply"]');
    await s.waitFor('the import to finish', async () =>
      (await (await s.find('[data-testid="repo-import-summary"]')).text()).startsWith('Imported'), 20000);
    const done = await s.find('[data-testid="repo-import-item"][data-kind="blueprint"]');
    assert.equal(await done.attr('data-resolution'), 'theirs');
    assert.match(await done.text(), /as v3/);
    await closeDialog(s);
    await s.waitFind('[data-testid="version-item"][data-number="3"]', 20000);
    const v3 = await s.exec(`return document.querySelector('[data-testid="version-item"][data-number="3"]').textContent;`);
    assert.match(v3, /Edited in support-reply\.galley\.yaml/, `v3 says where it came from: ${v3}`);
    const prod = await (await s.find('[data-testid="label-badge"][data-label="prod"]')).text();
    assert.ok(prod.includes('v3'), `prod follows the edited version: ${prod}`);
    assert.equal(await editorText(s, 'editor-system'), 'You are a patient support agent.');
    console.log('e2e: repository story passed');
  } catch (e) {
    // What the window showed when the story broke, for whoever reads the log.
    try {
      execFileSync('import', ['-window', 'root', join(tmpdir(), 'galley-e2e-repo-failure.png')]);
      const errors = s ? await s.texts('[data-testid="repo-error"]') : [];
      console.error(`  · at failure: errors shown ${JSON.stringify(errors)}; screenshot ${join(tmpdir(), 'galley-e2e-repo-failure.png')}`);
    } catch {
      /* the window may be gone */
    }
    throw e;
  } finally {
    if (s) await s.quit().catch(() => {});
    driver.kill();
    box.cleanup();
  }
}

main().catch((e) => {
  console.error(`e2e: repository story FAILED: ${e.stack || e.message}`);
  process.exit(1);
});
