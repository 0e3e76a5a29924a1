// The workbench's state: the library, the open blueprint, the content being edited, the live
// check and preview, and the autosaved draft. Components read it and call its methods.

import type {
  BlueprintContent,
  BlueprintSummary,
  BlueprintsOpenRes,
  EngineError,
  Label,
  Role,
  TemplateReport,
  TemplatesRenderRes,
  VariableDecl,
  Version,
} from '../bindings';
import { call } from '../lib/host';
import { cloneContent, sameContent, starterContent } from '../lib/content';
import { debounce } from '../lib/debounce';
import { forgetSamples, loadSamples, storeSamples } from '../lib/samples';
import { toast, toastError } from '../lib/toasts.svelte';
import { toWellFormed } from '../lib/wellFormed';

export const CHECK_DELAY_MS = 150;
export const DRAFT_DELAY_MS = 500;
export const SEARCH_DELAY_MS = 200;

export type Outcome = { ok: true } | { ok: false; error: EngineError };

function wellFormedContent(c: BlueprintContent): BlueprintContent {
  return {
    ...c,
    system: toWellFormed(c.system),
    messages: c.messages.map((m) => ({ ...m, template: toWellFormed(m.template) })),
  };
}

export class Session {
  list = $state<BlueprintSummary[]>([]);
  search = $state('');
  opened = $state<BlueprintsOpenRes | null>(null);
  content = $state<BlueprintContent>(starterContent());
  messageKeys = $state<number[]>([0]);
  report = $state<TemplateReport>({ issues: [], variables: [] });
  preview = $state<TemplatesRenderRes | null>(null);
  checkError = $state<string | null>(null);
  samples = $state<Record<string, string>>({});
  /** When the draft shown at open was last written; null when there is none to mention. */
  draftNotice = $state<string | null>(null);
  loading = $state(false);

  /** The content of the latest version, or the starter content before the first save. */
  baseline = $derived(this.opened?.latest?.content ?? starterContent());
  dirty = $derived(this.opened !== null && !sameContent(this.content, this.baseline));
  openId = $derived(this.opened?.summary.id ?? null);

  /** JSON of the draft the engine holds for the open blueprint (null: none). */
  private draftJson: string | null = null;
  private nextKey = 1;
  private checkSeq = 0;
  private draftFailed = false;

  readonly scheduleChecks = debounce(() => void this.runChecks(), CHECK_DELAY_MS);
  readonly scheduleDraft = debounce(() => void this.saveDraft(), DRAFT_DELAY_MS);
  readonly scheduleSearch = debounce(() => void this.refreshList(), SEARCH_DELAY_MS);

  // ---- library -------------------------------------------------------------------------

  async refreshList(): Promise<void> {
    try {
      this.list = await call('blueprints_list', { search: this.search });
    } catch (e) {
      toastError(e as EngineError);
    }
  }

  setSearch(text: string): void {
    this.search = text;
    this.scheduleSearch();
  }

  private patchSummary(s: BlueprintSummary): void {
    const i = this.list.findIndex((b) => b.id === s.id);
    if (i >= 0) this.list[i] = s;
    if (this.opened?.summary.id === s.id) this.opened.summary = s;
  }

  private patchListItem(id: string, patch: Partial<BlueprintSummary>): void {
    const item = this.list.find((b) => b.id === id);
    if (item) Object.assign(item, patch);
    if (this.opened?.summary.id === id) Object.assign(this.opened.summary, patch);
  }

  async create(name: string): Promise<Outcome> {
    try {
      const s = await call('blueprints_create', { name, tags: [] });
      await this.refreshList();
      await this.select(s.id);
      toast(`Created “${s.name}”`, 'success');
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e as EngineError };
    }
  }

  async rename(id: string, name: string): Promise<Outcome> {
    try {
      this.patchSummary(await call('blueprints_rename', { id, name }));
      await this.refreshList();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e as EngineError };
    }
  }

  async setTags(id: string, tags: string[]): Promise<Outcome> {
    try {
      this.patchSummary(await call('blueprints_set_tags', { id, tags }));
      await this.refreshList();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e as EngineError };
    }
  }

  async duplicate(id: string): Promise<void> {
    try {
      await this.flushDraft();
      const s = await call('blueprints_duplicate', { id });
      await this.refreshList();
      await this.select(s.id);
      toast(`Duplicated as “${s.name}”`, 'success');
    } catch (e) {
      toastError(e as EngineError);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      if (this.openId === id) this.scheduleDraft.cancel();
      const name = this.list.find((b) => b.id === id)?.name ?? 'blueprint';
      await call('blueprints_delete', { id });
      forgetSamples(id);
      if (this.openId === id) this.close();
      await this.refreshList();
      toast(`Deleted “${name}”`, 'success');
    } catch (e) {
      toastError(e as EngineError);
    }
  }

  // ---- opening --------------------------------------------------------------------------

  async select(id: string): Promise<void> {
    if (this.openId === id) return;
    await this.flushDraft();
    await this.open(id);
  }

  close(): void {
    this.scheduleDraft.cancel();
    this.scheduleChecks.cancel();
    this.opened = null;
    this.draftJson = null;
    this.draftNotice = null;
    this.replaceContent(starterContent());
    this.report = { issues: [], variables: [] };
    this.preview = null;
    this.samples = {};
  }

  async open(id: string): Promise<void> {
    this.loading = true;
    try {
      const res = await call('blueprints_open', { id });
      this.scheduleDraft.cancel();
      this.opened = res;
      this.draftJson = res.draft ? JSON.stringify(res.draft.content) : null;
      this.draftNotice = res.draft?.updatedAt ?? null;
      this.samples = loadSamples(id);
      this.replaceContent(res.draft?.content ?? res.latest?.content ?? res.starter);
      this.patchSummary(res.summary);
      await this.runChecks();
    } catch (e) {
      toastError(e as EngineError);
      if ((e as EngineError).code === 'notFound') await this.refreshList();
    } finally {
      this.loading = false;
    }
  }

  /** Reloads versions, labels and draft of the open blueprint, keeping the editor content. */
  async reloadMeta(): Promise<void> {
    if (!this.opened) return;
    const res = await call('blueprints_open', { id: this.opened.summary.id });
    this.opened = res;
    this.patchSummary(res.summary);
  }

  /**
   * After blueprints came in from files: the library, and the open blueprint's versions and
   * labels. Its editor follows a new latest version only when nothing in it is unsaved.
   */
  async afterImport(): Promise<void> {
    await this.refreshList();
    if (!this.opened) return;
    try {
      if (this.dirty) await this.reloadMeta();
      else await this.open(this.opened.summary.id);
    } catch (e) {
      toastError(e as EngineError);
    }
  }

  replaceContent(c: BlueprintContent): void {
    this.content = cloneContent(c);
    this.messageKeys = this.content.messages.map(() => this.nextKey++);
  }

  // ---- editing --------------------------------------------------------------------------

  /** Call after any change of the content: re-checks and autosaves, both debounced. */
  changed(): void {
    if (!this.opened) return;
    this.scheduleChecks();
    this.scheduleDraft();
  }

  setSystem(text: string): void {
    this.content.system = text;
    this.changed();
  }

  setMessage(i: number, text: string): void {
    const m = this.content.messages[i];
    if (!m) return;
    m.template = text;
    this.changed();
  }

  setRole(i: number, role: Role): void {
    const m = this.content.messages[i];
    if (!m) return;
    m.role = role;
    this.changed();
  }

  addMessage(): void {
    const last = this.content.messages.at(-1);
    const role: Role = last?.role === 'user' ? 'assistant' : 'user';
    this.content.messages.push({ role, template: '' });
    this.messageKeys.push(this.nextKey++);
    this.changed();
  }

  removeMessage(i: number): void {
    this.content.messages.splice(i, 1);
    this.messageKeys.splice(i, 1);
    this.changed();
  }

  moveMessage(i: number, delta: -1 | 1): void {
    const j = i + delta;
    const ms = this.content.messages;
    if (j < 0 || j >= ms.length) return;
    [ms[i], ms[j]] = [ms[j]!, ms[i]!];
    const ks = this.messageKeys;
    [ks[i], ks[j]] = [ks[j]!, ks[i]!];
    this.changed();
  }

  /** Points the content at another model (an unsaved change like any edit). */
  setModelId(id: string): void {
    this.content.model.modelId = id;
    this.changed();
  }

  declaration(name: string): VariableDecl | undefined {
    return this.content.variables.find((v) => v.name === name);
  }

  /** Changes a variable's declaration, declaring it first if it was only discovered. */
  updateVariable(name: string, patch: Partial<Omit<VariableDecl, 'name'>>): void {
    let decl = this.declaration(name);
    if (!decl) {
      this.content.variables.push({ name, type: 'string', default: null, description: '', ...patch });
    } else {
      Object.assign(decl, patch);
    }
    this.changed();
  }

  removeVariable(name: string): void {
    const i = this.content.variables.findIndex((v) => v.name === name);
    if (i >= 0) this.content.variables.splice(i, 1);
    this.changed();
  }

  /** The sample value typed for a variable ('' when none; safe for names like `constructor`). */
  sample(name: string): string {
    return Object.hasOwn(this.samples, name) ? (this.samples[name] ?? '') : '';
  }

  setSample(name: string, value: string): void {
    this.samples = { ...this.samples, [name]: value };
    if (this.openId) storeSamples(this.openId, $state.snapshot(this.samples));
    this.scheduleChecks();
  }

  // ---- check and preview ----------------------------------------------------------------

  /** What the preview and "Try it" render: the editor content and the sample values typed. */
  renderInput(): { content: BlueprintContent; values: Record<string, string> } {
    const content = wellFormedContent($state.snapshot(this.content) as BlueprintContent);
    const values = Object.fromEntries(Object.entries($state.snapshot(this.samples)).filter(([, v]) => v !== ''));
    return { content, values };
  }

  async runChecks(): Promise<void> {
    this.scheduleChecks.cancel();
    const seq = ++this.checkSeq;
    const { content, values } = this.renderInput();
    try {
      const [report, preview] = await Promise.all([
        call('templates_check', { content }),
        call('templates_render', { content, values }),
      ]);
      if (seq !== this.checkSeq) return;
      this.report = report;
      this.preview = preview;
      this.checkError = null;
    } catch (e) {
      if (seq === this.checkSeq) this.checkError = (e as EngineError).message;
    }
  }

  // ---- drafts ---------------------------------------------------------------------------

  /** Writes the pending draft now (blueprint switch, window blur, before unload). */
  async flushDraft(): Promise<void> {
    this.scheduleDraft.cancel();
    await this.saveDraft();
  }

  async saveDraft(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    const id = opened.summary.id;
    const content = wellFormedContent($state.snapshot(this.content) as BlueprintContent);
    const json = JSON.stringify(content);
    if (json === this.draftJson) return;
    try {
      if (this.dirty) {
        await call('drafts_save', { id, content, baseVersion: opened.latest?.meta.number ?? null });
        if (this.openId === id) this.draftJson = json;
        this.patchListItem(id, { hasDraft: true });
      } else if (this.draftJson !== null) {
        await call('drafts_discard', { id });
        if (this.openId === id) {
          this.draftJson = null;
          this.draftNotice = null;
        }
        this.patchListItem(id, { hasDraft: false });
      }
      this.draftFailed = false;
    } catch (e) {
      if (!this.draftFailed) toast(`Could not autosave the draft: ${(e as EngineError).message}`, 'error');
      this.draftFailed = true;
    }
  }

  async discardDraft(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    this.scheduleDraft.cancel();
    try {
      await call('drafts_discard', { id: opened.summary.id });
      this.draftJson = null;
      this.draftNotice = null;
      this.patchListItem(opened.summary.id, { hasDraft: false });
      await this.open(opened.summary.id);
      toast('Draft discarded', 'success');
    } catch (e) {
      toastError(e as EngineError);
    }
  }

  // ---- versions and labels --------------------------------------------------------------

  async save(message: string): Promise<Outcome> {
    const opened = this.opened;
    if (!opened) return { ok: false, error: { code: 'invalid', message: 'open a blueprint first' } };
    const id = opened.summary.id;
    this.scheduleDraft.cancel();
    const content = wellFormedContent($state.snapshot(this.content) as BlueprintContent);
    try {
      const res = await call('versions_save', { id, content, message });
      if (this.openId === id && this.opened) {
        this.draftJson = null;
        this.draftNotice = null;
        if (res.created) {
          this.opened.latest = { meta: res.version, content };
          this.opened.versions.unshift(res.version);
        }
      }
      this.patchListItem(id, { hasDraft: false, latestVersion: res.version.number });
      if (res.created) toast(`Saved v${res.version.number}`, 'success');
      else toast(`No changes since v${res.version.number} — nothing saved`, 'info');
      this.scheduleDraft();
      return { ok: true };
    } catch (e) {
      this.scheduleDraft();
      return { ok: false, error: e as EngineError };
    }
  }

  async getVersion(number: number): Promise<Version | null> {
    if (!this.opened) return null;
    try {
      return await call('versions_get', { id: this.opened.summary.id, number });
    } catch (e) {
      toastError(e as EngineError);
      return null;
    }
  }

  restore(version: Version): void {
    this.replaceContent(version.content);
    this.changed();
    toast(`Restored v${version.meta.number} into the editor — save to keep it as a new version`, 'info');
  }

  async moveLabel(label: Label, version: number): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    try {
      const res = await call('labels_move', { id: opened.summary.id, label, version });
      if (this.openId === opened.summary.id && this.opened) {
        this.opened.labels = res.labels;
        this.opened.labelMoves = res.labelMoves;
      }
      if (label === 'prod') this.patchListItem(opened.summary.id, { prodVersion: version });
      if (res.moved) {
        const from = res.moved.fromVersion === null ? '' : ` (was v${res.moved.fromVersion})`;
        toast(`${label} → v${version}${from}`, 'success');
      } else {
        toast(`${label} already points at v${version}`, 'info');
      }
    } catch (e) {
      toastError(e as EngineError);
    }
  }

  labelVersion(label: Label): number | null {
    return this.opened?.labels.find((l) => l.label === label)?.version ?? null;
  }
}
