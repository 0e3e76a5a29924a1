// End-to-end: Galley with no AWS configuration at all and a new data folder. A new blueprint
// runs on the embedded default model: "Try it" streams its answer, free. Then an
// OpenAI-compatible endpoint (bedrock-sim's OpenAI routes) is added in Settings, tested (a
// server that is down first), chosen for the blueprint and answers; the endpoint is removed.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/local.e2e.mjs APP SIM

import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { createServer } from 'node:net';
import assert from 'node:assert/strict';
import { step, sandbox, startDriver, launch, typeInEditor, retype, click, createBlueprint, screenshot, MODELS_DIR, startSim, simScript } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const simBinary = resolve(process.argv[3] || 'target/debug/bedrock-sim');
const ENDPOINT_MODEL = 'llama3.2:3b';
const ENDPOINT_ANSWER = 'Paris, on the Seine, is the capital of France.';

/** A local port nothing listens on. */
async function deadPort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

async function text(s, css) {
  return (await s.find(css)).text();
}

async function openSettings(s, section) {
  await (await s.find('[data-testid="settings-open"]')).click();
  await s.waitFind('[data-testid="settings-dialog"]');
  await (await s.waitFind(`[data-testid="settings-section-${section}"]`)).click();
}

async function saveSettings(s) {
  await (await s.find('[data-testid="settings-save"]')).click();
  await s.waitFor('the settings to close', async () => (await s.findAll('[data-testid="settings-dialog"]')).length === 0);
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  assert.ok(existsSync(simBinary), `no bedrock-sim binary at ${simBinary}`);
  assert.ok(existsSync(join(MODELS_DIR, 'SmolLM2-135M-Instruct-Q4_1.gguf')), `the default model is not in ${MODELS_DIR}: run make model`);
  const { sim, url } = await startSim(simBinary, []);
  await simScript(url, ENDPOINT_MODEL, ENDPOINT_ANSWER);
  const box = sandbox();
  for (const k of Object.keys(box.env)) {
    if (k.startsWith('AWS_')) delete box.env[k];
  }
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('Settings list the default local model, installed');
    await openSettings(s, 'local');
    const item = await s.waitFind('[data-testid="local-model-item"][data-model-id="SmolLM2-135M-Instruct"]');
    assert.match(await item.text(), /98(\.\d)? MB/);
    assert.equal((await s.findAll('[data-testid="local-model-problem"]')).length, 0);
    step('a file that is not a model is refused, by name');
    await retype(s, '[data-testid="local-model-path"]', '/etc/hostname');
    await (await s.find('[data-testid="local-model-add"]')).click();
    const addError = await s.waitFor('the file error', async () => text(s, '[data-testid="local-model-error"]'));
    assert.ok(addError.includes('/etc/hostname') && addError.includes('GGUF'), addError);
    await (await s.find('[data-testid="settings-cancel"]')).click();

    step('a new blueprint runs on the embedded model');
    await createBlueprint(s, 'Capitals offline');
    assert.equal(await (await s.find('[data-testid="model-provider"]')).prop('value'), 'local');
    await typeInEditor(s, 'editor-system', '');
    await typeInEditor(s, 'editor-message-0', 'What is the capital of France?');
    await retype(s, '[data-testid="model-temperature"]', '0');
    await (await s.find('[data-testid="try-run"]')).click();
    const answer = await s.waitFor(
      'the local answer',
      async () => {
        const stats = await s.findAll('[data-testid="try-stats"]');
        return stats.length ? text(s, '[data-testid="try-output"]') : null;
      },
      60000,
    );
    assert.ok(answer.includes('Paris'), `local answer: ${answer}`);
    assert.ok(Number((await text(s, '[data-testid="try-tokens-out"]')).replace(/\D/g, '')) > 0);
    assert.match(await text(s, '[data-testid="try-cost"]'), /free/i);
    screenshot('docs/local-try-it.png');

    step('an OpenAI-compatible endpoint: down, then bedrock-sim');
    await openSettings(s, 'endpoints');
    const presets = await s.waitFind('[data-testid="endpoint-preset"]');
    await (await s.find('[data-testid="endpoint-preset"] option[value="Ollama"]')).click().catch(async () => presets.click());
    await click(s, '[data-testid="endpoint-add"]');
    await s.waitFind('[data-testid="endpoint-item"]');
    assert.equal(await (await s.find('[data-testid="endpoint-base-url"]')).prop('value'), 'http://localhost:11434/v1');
    await retype(s, '[data-testid="endpoint-name"]', 'Sim');
    const dead = `http://127.0.0.1:${await deadPort()}/v1`;
    await retype(s, '[data-testid="endpoint-base-url"]', dead);
    await click(s, '[data-testid="endpoint-test"]');
    const failed = await s.waitFor('the failed test', async () => {
      const r = await s.findAll('[data-testid="endpoint-test-result"][data-ok="false"]');
      return r.length ? r[0].text() : null;
    });
    assert.ok(failed.includes('is the server running?'), failed);
    await retype(s, '[data-testid="endpoint-base-url"]', `${url}/v1`);
    await click(s, '[data-testid="endpoint-test"]');
    const ok = await s.waitFor('the passing test', async () => {
      const r = await s.findAll('[data-testid="endpoint-test-result"][data-ok="true"]');
      return r.length ? r[0].text() : null;
    });
    assert.match(ok, /\d+ models?/);
    await saveSettings(s);

    step('the blueprint runs on the endpoint');
    await (await s.find('[data-testid="model-provider"] option[value="openai"]')).click();
    await s.waitFor('the endpoint to be chosen', async () => (await (await s.find('[data-testid="model-endpoint"]')).prop('value')) === 'Sim');
    await retype(s, '[data-testid="endpoint-model"]', ENDPOINT_MODEL);
    await (await s.find('[data-testid="try-run"]')).click();
    await s.waitFor('the endpoint answer', async () => (await text(s, '[data-testid="try-output"]')) === ENDPOINT_ANSWER, 20000);
    const log = await (await fetch(`${url}/_sim/requests`)).json();
    const chats = log.filter((r) => r.operation === 'OpenAIChat');
    assert.equal(chats.length, 1);
    assert.equal(chats[0].body.model, ENDPOINT_MODEL);

    step('remove the endpoint');
    await openSettings(s, 'endpoints');
    await s.waitFind('[data-testid="endpoint-remove"]');
    await s.exec(`document.querySelector('[data-testid="endpoint-remove"]').scrollIntoView({ block: 'center' });`);
    await s.waitFor('the remove button to be shown', async () =>
      s.exec(`const r = document.querySelector('[data-testid="endpoint-remove"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;`),
    );
    await (await s.find('[data-testid="endpoint-remove"]')).click();
    await s.waitFor('no endpoint left', async () => (await s.findAll('[data-testid="endpoint-item"]')).length === 0);
    await saveSettings(s);
    await (await s.find('[data-testid="try-run"]')).click();
    const gone = await s.waitFor('the missing-endpoint message', async () => text(s, '[data-testid="try-error"]'));
    assert.ok(gone.includes('endpoint'), gone);
    console.log('e2e: local model and endpoint story passed');
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
