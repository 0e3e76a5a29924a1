// Shared set-up of the end-to-end tests: a temporary home and data folder, tauri-driver with the
// native WebKitWebDriver, and sessions of the real desktop binary.

import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { Session, Keys } from './webdriver.mjs';

export function step(name) {
  console.log(`  · ${name}`);
}

/** Where `make model` put the default model, under the real HOME (read only by the tests). */
export const MODELS_DIR =
  process.env.GALLEY_MODELS_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'galley', 'models');

/** A temporary HOME and data folder, and the environment the app runs with. The models folder is
 *  the machine's, so the default local model is there. */
export function sandbox(extraEnv = {}) {
  const root = mkdtempSync(join(tmpdir(), 'galley-e2e-'));
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  const env = {
    ...process.env,
    GALLEY_DATA_DIR: join(root, 'data'),
    HOME: home,
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    GALLEY_AUTHOR: 'e2e',
    GALLEY_MODELS_DIR: MODELS_DIR,
    NO_AT_BRIDGE: '1',
    ...extraEnv,
  };
  return { root, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export async function waitForHttp(url, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startDriver(env) {
  const port = 4444 + Math.floor(Math.random() * 1000);
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/status`);
  return { driver, base };
}

/** Starts the app and waits for the workbench. */
export async function launch(base, binary) {
  const s = await Session.start(base, { alwaysMatch: { 'tauri:options': { application: binary } } });
  await s.waitFind('[data-testid="bp-new"]', 30000);
  return s;
}

export async function typeInEditor(s, testid, text) {
  const content = await s.waitFind(`[data-testid="${testid}"] .cm-content`);
  await content.click();
  await s.keys([Keys.CONTROL, 'a'], [Keys.BACKSPACE]);
  if (text) await content.type(text);
}

export async function editorText(s, testid) {
  return s.exec(
    `const el = document.querySelector('[data-testid="${testid}"] .cm-content');
     return el ? Array.from(el.querySelectorAll('.cm-line')).map((l) => l.textContent).join('\\n') : null;`,
  );
}

/**
 * Brings an element into the middle of the view at once (dialogs here scroll smoothly, and a
 * click during a smooth scroll can land beside its target) and waits until it holds still.
 */
export async function settle(s, css) {
  const el = await s.waitFind(css);
  await s.waitFor(`${css} to hold still in view`, async () =>
    s.exec(
      `const el = document.querySelector(arguments[0]);
       if (!el) return false;
       el.scrollIntoView({ block: 'center', behavior: 'instant' });
       const r = el.getBoundingClientRect();
       const key = '__settle_' + arguments[0];
       const still = window[key] === r.top;
       window[key] = r.top;
       return still && r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight;`,
      [css],
    ),
  );
  return el;
}

/** Clicks an element once it is in view and still. */
export async function click(s, css) {
  const el = await settle(s, css);
  await el.click();
  return el;
}

/** Replaces an input's value by typing, as a user would. */
export async function retype(s, css, text) {
  const el = await settle(s, css);
  await el.click();
  await s.keys([Keys.CONTROL, 'a'], [Keys.BACKSPACE]);
  if (text) await el.type(text);
  return el;
}

export async function createBlueprint(s, name) {
  await (await s.find('[data-testid="bp-new"]')).click();
  const input = await s.waitFind('[data-testid="bp-new-name"]');
  await input.type(name + Keys.ENTER);
  await s.waitFor(`${name} to be selected`, async () => {
    const el = await s.find(`[data-testid="bp-item"][data-name="${name}"]`);
    return (await el.attr('aria-selected')) === 'true';
  });
}

export function screenshot(path) {
  mkdirSync('docs', { recursive: true });
  execFileSync('import', ['-window', 'root', path]);
  console.log(`  · screenshot saved to ${path}`);
}

/** Starts bedrock-sim on a free port with extra flags; resolves with the process and its URL. */
export async function startSim(binary, flags = []) {
  const sim = spawn(binary, ['--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: sim.stdout });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('bedrock-sim did not start')), 20000);
    lines.on('line', (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  return { sim, url };
}

/** Scripts a model's answer in bedrock-sim. */
export async function simScript(url, modelId, text) {
  const r = await fetch(`${url}/_sim/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ modelId, text }),
  });
  if (!r.ok) throw new Error(`/_sim/script: ${r.status}`);
}

/** The environment of a user whose AWS credentials are the simulator's, and nothing else. */
export function simulatorAws(box) {
  for (const k of ['AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_SESSION_TOKEN']) {
    delete box.env[k];
  }
  Object.assign(box.env, {
    AWS_ACCESS_KEY_ID: 'AKIDSIMULATOR',
    AWS_SECRET_ACCESS_KEY: 'sim-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return box;
}

/** Waits until the run grid says `cells` cells are done; on a timeout, the error carries what the
 *  grid showed (its status, progress and every cell's status), to tell a slow run from a lost
 *  event. */
export async function waitForRun(s, cells, ms = 60000) {
  try {
    await s.waitFor(
      `all ${cells} cells`,
      async () => (await (await s.find('[data-testid="run-progress"]')).attr('data-done')) === String(cells),
      ms,
    );
  } catch (e) {
    const state = await s
      .exec(
        `const g = document.querySelector('[data-testid="run-grid"]');
         const p = document.querySelector('[data-testid="run-progress"]');
         const cells = [...document.querySelectorAll('[data-testid="run-cell"]')].map((c) => c.dataset.cell + '=' + c.dataset.status);
         return JSON.stringify({ status: g && g.dataset.status, progress: p && { ...p.dataset }, cells });`,
      )
      .catch((err) => `(the grid could not be read: ${err.message})`);
    throw new Error(`${e.message}; the grid showed ${state}`);
  }
}
