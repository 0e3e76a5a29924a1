// The width of a chart's box, followed as it resizes (where ResizeObserver exists; the tests'
// DOM has none, and the charts then use their default width).

export function measureWidth(node: HTMLElement, onwidth: (width: number) => void): { destroy: () => void } {
  if (typeof ResizeObserver === 'undefined') return { destroy: () => {} };
  const observer = new ResizeObserver(([entry]) => {
    if (entry) onwidth(Math.floor(entry.contentRect.width));
  });
  observer.observe(node);
  return { destroy: () => observer.disconnect() };
}
