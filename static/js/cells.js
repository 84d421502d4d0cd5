// Code cells: turn each cell's <textarea> into a CodeMirror editor, run it with the button or
// Ctrl/Cmd+Enter, keep edits in localStorage (keyed by a hash of the starter code, so a changed
// lesson never loads stale edits), and reset with a confirmation. Without this script the cell is
// a plain form that posts to the lesson page and shows the output after a reload.
// Bundled by scripts/build-frontend.sh (esbuild) into static/vendor/cells.js.

import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, drawSelection,
} from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { python } from "@codemirror/lang-python";
import { tags } from "@lezer/highlight";

// The editing basics, without autocompletion popups or search panels. Tab is left to move focus
// (no indentWithTab), so keyboard users are never trapped in the editor.
const editing = [
  lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
  indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(),
  keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
];

const SAVE_DELAY_MS = 400;

// Colours come from the site's CSS variables, so the editor follows the light and dark themes.
// The editor lives in a shadow root: CodeMirror then styles it with constructed style sheets,
// which the page's Content-Security-Policy (no inline <style>) allows.
const siteTheme = EditorView.theme({
  "&": {
    backgroundColor: "var(--code-bg)", color: "var(--text)", border: "1px solid var(--border)",
    borderRadius: "6px", fontSize: "0.9rem", maxHeight: "36rem",
  },
  "&.cm-focused": { outline: "3px solid var(--focus)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-content": { caretColor: "var(--text)", padding: "0.5rem 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--accent) 9%, transparent)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)",
  },
  "&.cm-focused .cm-matchingBracket": { outline: "1px solid var(--muted)", backgroundColor: "transparent" },
});
const siteHighlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword, tags.operatorKeyword],
    color: "var(--tok-keyword)", fontWeight: "600" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--tok-string)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--tok-number)" },
  { tag: tags.comment, color: "var(--tok-comment)", fontStyle: "italic" },
  { tag: [tags.function(tags.definition(tags.variableName)), tags.definition(tags.className), tags.className],
    color: "var(--tok-name)" },
]);

function storageKey(cell) {
  return `plab-cell:${cell.dataset.cellId}:${cell.dataset.starterHash}`;
}

function readSaved(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage switched off: edits simply are not kept
  }
}

function writeSaved(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    /* storage full or switched off */
  }
}

function setBusy(cell, busy) {
  const indicator = cell.querySelector(".cell-busy");
  const button = cell.querySelector(".cell-run");
  indicator.hidden = !busy;
  button.disabled = busy;
  cell.setAttribute("aria-busy", busy ? "true" : "false");
}

function replaceOutput(cell, html) {
  const current = cell.querySelector(".cell-output");
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const fresh = template.content.querySelector(".cell-output");
  if (fresh) {
    current.replaceWith(fresh);
    // progress.js records what the new block reports (e.g. a solved exercise).
    fresh.dispatchEvent(new CustomEvent("plab:output", { bubbles: true }));
  } else current.textContent = cell.dataset.failedMessage;
}

async function run(cell, form, view) {
  const textarea = form.querySelector("textarea");
  textarea.value = view.state.doc.toString();
  setBusy(cell, true);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "HX-Request": "true" },
    });
    replaceOutput(cell, await response.text());
  } catch {
    cell.querySelector(".cell-output").textContent = cell.dataset.failedMessage;
  } finally {
    setBusy(cell, false);
  }
}

function setUp(cell) {
  const form = cell.querySelector("form");
  const textarea = form.querySelector("textarea");
  const label = form.querySelector(`label[for="${textarea.id}"]`);
  const starter = cell.querySelector("template.cell-starter").content.textContent;
  const key = storageKey(cell);
  // A page answering a no-JS post shows the learner's code; otherwise restore their saved edits.
  const saved = readSaved(key);
  const initial = textarea.value === starter && saved !== null ? saved : textarea.value;
  let saveTimer = null;

  const host = document.createElement("div");
  host.className = "cell-editor";
  const shadow = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    root: shadow,
    parent: shadow,
    doc: initial,
    extensions: [
      editing,
      python(),
      siteTheme,
      syntaxHighlighting(siteHighlight),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (form.requestSubmit(), true) }])),
      // An explicit tabindex lets checkers such as axe see that the scrolling editor holds a focusable
      // control (a contenteditable is focusable anyway, so no tab stop is added).
      EditorView.contentAttributes.of({ "aria-label": label ? label.textContent.trim() : "Python code", tabindex: "0" }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        clearTimeout(saveTimer);
        saveTimer = setTimeout(() => {
          const code = update.state.doc.toString();
          writeSaved(key, code === starter ? null : code);
        }, SAVE_DELAY_MS);
      }),
    ],
  });
  textarea.hidden = true;
  textarea.after(host);
  if (label) label.addEventListener("click", () => view.focus());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(cell, form, view);
  });

  const reset = cell.querySelector(".cell-reset");
  reset.hidden = false;
  reset.addEventListener("click", () => {
    if (view.state.doc.toString() === starter) return;
    if (!window.confirm(cell.dataset.resetQuestion)) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: starter } });
    writeSaved(key, null);
    view.focus();
  });
  for (const element of cell.querySelectorAll(".cell-no-js")) element.hidden = true;
  for (const element of cell.querySelectorAll(".cell-js-only")) element.hidden = false;
}

// Exercises use the same editor: their section carries the same data attributes and classes.
document.querySelectorAll("section.cell[data-cell-id], section.exercise[data-cell-id]").forEach(setUp);
