// The designer's few browser helpers, imported as a module when a designer page opens.

// Ctrl+Z / Ctrl+Shift+Z (Cmd on a Mac) undo and redo the definition — except while typing in a
// field, where they stay the field's own undo. Arrow keys on the canvas move the selection, not the page.
export function listen(designer) {
  const onKey = event => {
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.closest("input, textarea, select, [contenteditable=true]") !== null);
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "z" && !typing) {
      event.preventDefault();
      designer.invokeMethodAsync(event.shiftKey ? "Redo" : "Undo");
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      designer.invokeMethodAsync("SaveShortcut");
      return;
    }
    if (target instanceof HTMLElement && target.closest("[data-canvas]") && ["ArrowUp", "ArrowDown", "Home", "End"].includes(event.key)) {
      event.preventDefault();
    }
  };
  document.addEventListener("keydown", onKey);
  return { dispose: () => document.removeEventListener("keydown", onKey) };
}

export function focus(selector) {
  const element = document.querySelector(selector);
  if (element) element.focus();
}
