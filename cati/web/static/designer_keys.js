// The designer's keys for whatever item has the focus (a block or question in the outline,
// an option, a row, a check, a rule): Alt+↑/↓ move it, Alt+Shift+↓ copies it, Delete
// removes it (not while typing in a box, where Delete deletes a character).

function typing(target) {
  return target.matches("input[type=text], input:not([type]), textarea, select");
}

export function moveKeys(element, actions) {
  element.addEventListener("keydown", function (event) {
    let action = null;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      if (event.key === "ArrowUp" && !event.shiftKey) action = actions.up;
      else if (event.key === "ArrowDown" && event.shiftKey) action = actions.copy;
      else if (event.key === "ArrowDown") action = actions.down;
    } else if (event.key === "Delete" && !event.altKey && !event.ctrlKey && !typing(event.target)) {
      action = actions.remove;
    }
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  });
}
