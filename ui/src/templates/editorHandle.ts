// What the workbench can ask of a template editor it does not own.

export interface EditorHandle {
  focus(): void;
  /** Puts the cursor at a 1-based line and UTF-16 column and selects `length` units. */
  reveal(line: number, column: number, length: number): void;
}
