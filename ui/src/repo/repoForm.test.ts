import { describe, expect, it } from 'vitest';
import { shownFile } from './repoForm';

describe('shownFile', () => {
  it('shows a file relative to the folder it was imported from', () => {
    const file = '/work/prompts/blueprints/support-reply.galley.yaml';
    expect(shownFile(file, '/work/prompts')).toBe('blueprints/support-reply.galley.yaml');
    expect(shownFile(file, ' /work/prompts/ ')).toBe('blueprints/support-reply.galley.yaml');
    expect(shownFile('C:\\prompts\\blueprints\\a.galley.yaml', 'C:\\prompts')).toBe('blueprints\\a.galley.yaml');
  });

  it('shows the name of the one file imported, and any other path whole', () => {
    expect(shownFile('/work/prompts/a.prompty', '/work/prompts/a.prompty')).toBe('a.prompty');
    expect(shownFile('/work/prompts-old/a.galley.yaml', '/work/prompts')).toBe('/work/prompts-old/a.galley.yaml');
    expect(shownFile('/elsewhere/a.galley.yaml', '')).toBe('/elsewhere/a.galley.yaml');
  });
});
