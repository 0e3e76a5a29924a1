// End-to-end: Settings point the real desktop binary at a running bedrock-sim; a blueprint on a
// Bedrock model streams its answer into the workbench's "Try it" panel, signed by the real AWS
// SDK with credentials from the environment. A profile-only model id gets the message and the
// one-click switch to its inference profile.
//
// Usage (from the repo root, inside xvfb-run): node tests/e2e/bedrock.e2e.mjs APP SIM

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { step, sandbox, startDriver, launch, typeInEditor, retype, createBlueprint, screenshot, startSim, simScript, simulatorAws } from './harness.mjs';

const binary = resolve(process.argv[2] || 'target/e2e/galley-app');
const simBinary = resolve(process.argv[3] || 'target/debug/bedrock-sim');
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const ANSWER = 'Paris is the capital of France, on the Seine.';

async function text(s, css) {
  return (await s.find(css)).text();
}

async function main() {
  assert.ok(existsSync(binary), `no app binary at ${binary}`);
  assert.ok(existsSync(simBinary), `no bedrock-sim binary at ${simBinary}`);
  const { sim, url } = await startSim(simBinary, ['--tokens-per-sec', '12']);
  await simScript(url, HAIKU, ANSWER);
  const box = simulatorAws(sandbox());
  const { driver, base } = await startDriver(box.env);
  let s;
  try {
    s = await launch(base, binary);

    step('point Settings at bedrock-sim');
    await (await s.find('[data-testid="settings-open"]')).click();
    await s.waitFind('[data-testid="settings-dialog"]');
    await retype(s, '[data-testid="settings-region"]', 'us-east-1');
    await retype(s, '[data-testid="settings-endpoint"]', 'not a url');
    await (await s.find('[data-testid="settings-save"]')).click();
    const err = await s.waitFor('the endpoint error', async () => text(s, '[data-testid="settings-error"]'));
    assert.ok(err.includes('not a url'), `settings error: ${err}`);
    await retype(s, '[data-testid="settings-endpoint"]', url);
    await (await s.find('[data-testid="settings-save"]')).click();
    await s.waitFor('the settings to close', async () => (await s.findAll('[data-testid="settings-dialog"]')).length === 0);

    step('a blueprint on a Bedrock model');
    await createBlueprint(s, 'Capitals');
    await typeInEditor(s, 'editor-system', 'Answer in one sentence.');
    await typeInEditor(s, 'editor-message-0', 'What is the capital of {{ country }}?');
    const sample = await s.waitFind('[data-testid="var-sample-country"]');
    await sample.type('France');
    await (await s.find('[data-testid="model-provider"] option[value="bedrock"]')).click();
    await (await s.waitFind('[data-testid="model-picker"]')).click();
    await (await s.waitFind(`[data-testid="model-option"][data-id="${HAIKU}"]`)).click();
    await s.waitFor('the model id', async () => (await (await s.find('[data-testid="model-id"]')).prop('value')) === HAIKU);

    step('Try it streams the answer');
    await (await s.find('[data-testid="try-run"]')).click();
    const partial = await s.waitFor('a partly streamed answer', async () => {
      const t = await text(s, '[data-testid="try-output"]');
      return t.length > 0 && t.length < ANSWER.length ? t : null;
    });
    assert.ok(ANSWER.startsWith(partial), `partial: ${partial}`);
    await s.waitFor('the whole answer', async () => (await text(s, '[data-testid="try-output"]')) === ANSWER, 20000);
    await s.waitFind('[data-testid="try-stats"]');
    assert.equal((await text(s, '[data-testid="try-tokens-out"]')).replace(/\D/g, ''), '9');
    assert.match(await text(s, '[data-testid="try-cost"]'), /\$0\.0000\d+/);
    screenshot('docs/try-it.png');

    step('a profile-only model id gets the fix, in one click');
    await retype(s, '[data-testid="model-id"]', SONNET);
    await (await s.find('[data-testid="try-run"]')).click();
    const message = await s.waitFor('the inference-profile message', async () => text(s, '[data-testid="try-error"]'));
    assert.ok(message.includes('inference profile'), message);
    await (await s.find('[data-testid="try-use-model"]')).click();
    await s.waitFor('the switched model id', async () => (await (await s.find('[data-testid="model-id"]')).prop('value')) === `us.${SONNET}`);
    await (await s.find('[data-testid="try-run"]')).click();
    await s.waitFor('the echo answer', async () => (await text(s, '[data-testid="try-output"]')) === 'echo: What is the capital of France?', 20000);

    step('every call was signed with the environment credentials');
    const log = await (await fetch(`${url}/_sim/requests`)).json();
    const streams = log.filter((r) => r.operation === 'ConverseStream');
    assert.ok(streams.length >= 3, `ConverseStream calls: ${streams.length}`);
    assert.ok(streams.every((r) => r.signatureValid === true), 'all signatures valid');
    assert.equal(streams[0].body.messages[0].content[0].text, 'What is the capital of France?');
    const leaked = await s.exec('return document.documentElement.outerHTML.includes("sim-secret-key") || JSON.stringify(localStorage).includes("sim-secret-key");');
    assert.equal(leaked, false, 'the secret reached the UI');
    console.log('e2e: bedrock story passed');
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
