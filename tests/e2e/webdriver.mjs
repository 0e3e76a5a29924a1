// A small W3C WebDriver client over fetch: just what the end-to-end tests need.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, capabilities) {
    const res = await request(base, 'POST', '/session', { capabilities });
    return new Session(base, res.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async quit() {
    await this.cmd('DELETE', '');
  }

  async find(css) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, el[ELEMENT]);
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => new Element(this, e[ELEMENT]));
  }

  /** Polls `fn` until it returns a truthy value, or fails with `what` after `ms`. */
  async waitFor(what, fn, ms = 15000) {
    const until = Date.now() + ms;
    let last;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > until) {
        throw new WebDriverError(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for the element matching `css` to exist and returns it. */
  waitFind(css, ms) {
    return this.waitFor(`element ${css}`, () => this.find(css), ms);
  }

  async texts(css) {
    const els = await this.findAll(css);
    return Promise.all(els.map((e) => e.text()));
  }

  exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Sends key presses to whatever has focus (W3C actions), e.g. chords with Control. */
  async keys(...sequence) {
    const actions = [];
    for (const k of sequence) {
      if (Array.isArray(k)) {
        for (const m of k.slice(0, -1)) actions.push({ type: 'keyDown', value: m });
        for (const ch of k[k.length - 1]) {
          actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
        }
        for (const m of k.slice(0, -1).reverse()) actions.push({ type: 'keyUp', value: m });
      } else {
        for (const ch of k) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
      }
    }
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  cmd(method, path, body) {
    return this.s.cmd(method, `/element/${this.id}${path}`, body);
  }
  click() {
    return this.cmd('POST', '/click', {});
  }
  type(text) {
    return this.cmd('POST', '/value', { text });
  }
  clear() {
    return this.cmd('POST', '/clear', {});
  }
  text() {
    return this.cmd('GET', '/text');
  }
  attr(name) {
    return this.cmd('GET', `/attribute/${name}`);
  }
  prop(name) {
    return this.cmd('GET', `/property/${name}`);
  }
  async find(css) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this.s, el[ELEMENT]);
  }
  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => new Element(this.s, e[ELEMENT]));
  }
}

export const Keys = { CONTROL: '\uE009', SHIFT: '\uE008', ENTER: '\uE007', ESCAPE: '\uE00C', END: '\uE010', HOME: '\uE011', BACKSPACE: '\uE003' };

async function request(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value || {};
    throw new WebDriverError(`${method} ${path}: ${v.error || res.status}: ${v.message || ''}`);
  }
  return json.value;
}
