// The key policy editor: CodeMirror 6 in a shadow root (its styles go in as a constructable stylesheet, which the CSP
// allows), themed from VS Code's variables, with problems marked where they are and a diff against another text.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, foldGutter, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { unifiedMergeView } from '@codemirror/merge';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { PolicyMarker } from '../panel/policy-protocol';

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--vscode-debugTokenExpression-name, var(--vscode-symbolIcon-propertyForeground))' },
  { tag: tags.string, color: 'var(--vscode-debugTokenExpression-string)' },
  { tag: tags.number, color: 'var(--vscode-debugTokenExpression-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--vscode-debugTokenExpression-boolean)' },
  { tag: tags.invalid, color: 'var(--vscode-errorForeground)' },
]);

const marker = (color: string) => ({ content: 'none', backgroundColor: color, borderRadius: '50%', width: '0.7em', height: '0.7em', margin: '0.2em' });

const theme = (dark: boolean) =>
  EditorView.theme(
    {
      '&': {
        color: 'var(--vscode-editor-foreground)',
        backgroundColor: 'var(--vscode-editor-background)',
        fontSize: 'var(--vscode-editor-font-size, 13px)',
        height: '100%',
      },
      '.cm-scroller': { fontFamily: 'var(--vscode-editor-font-family, monospace)', lineHeight: '1.5' },
      '.cm-content': { caretColor: 'var(--vscode-editorCursor-foreground)' },
      '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--vscode-editorCursor-foreground)' },
      '&.cm-focused': { outline: '1px solid var(--vscode-focusBorder)' },
      '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
        backgroundColor: 'var(--vscode-editor-selectionBackground) !important',
      },
      '.cm-gutters': { backgroundColor: 'var(--vscode-editorGutter-background, var(--vscode-editor-background))', color: 'var(--vscode-editorLineNumber-foreground)', border: 'none' },
      '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--vscode-editorLineNumber-activeForeground)' },
      '.cm-activeLine': { backgroundColor: 'var(--vscode-editor-lineHighlightBackground, transparent)' },
      '.cm-matchingBracket': { backgroundColor: 'var(--vscode-editorBracketMatch-background)', outline: '1px solid var(--vscode-editorBracketMatch-border)' },
      '.cm-selectionMatch': { backgroundColor: 'var(--vscode-editor-wordHighlightBackground)' },
      '.cm-searchMatch': { backgroundColor: 'var(--vscode-editor-findMatchHighlightBackground)' },
      '.cm-lintRange': { backgroundImage: 'none', paddingBottom: '0' },
      '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--vscode-editorError-foreground)', textUnderlineOffset: '3px' },
      '.cm-lintRange-warning': { backgroundImage: 'none', textDecoration: 'underline wavy var(--vscode-editorWarning-foreground)', textUnderlineOffset: '3px' },
      '.cm-lintRange-info': { backgroundImage: 'none', textDecoration: 'underline dotted var(--vscode-editorInfo-foreground)', textUnderlineOffset: '3px' },
      '.cm-lintPoint::after': { borderBottomColor: 'var(--vscode-editorError-foreground)' },
      '.cm-lint-marker': { content: 'none', width: '0.7em', height: '0.7em' },
      '.cm-lint-marker-error': marker('var(--vscode-editorError-foreground)'),
      '.cm-lint-marker-warning': marker('var(--vscode-editorWarning-foreground)'),
      '.cm-lint-marker-info': marker('var(--vscode-editorInfo-foreground)'),
      '.cm-tooltip': {
        backgroundColor: 'var(--vscode-editorHoverWidget-background)',
        color: 'var(--vscode-editorHoverWidget-foreground)',
        border: '1px solid var(--vscode-editorHoverWidget-border)',
      },
      '.cm-diagnostic-error': { borderLeftColor: 'var(--vscode-editorError-foreground)' },
      '.cm-diagnostic-warning': { borderLeftColor: 'var(--vscode-editorWarning-foreground)' },
      '.cm-diagnostic-info': { borderLeftColor: 'var(--vscode-editorInfo-foreground)' },
      '.cm-panels': { backgroundColor: 'var(--vscode-editorWidget-background)', color: 'var(--vscode-editorWidget-foreground)' },
      '.cm-panels input, .cm-panels button': { color: 'inherit', backgroundColor: 'var(--vscode-input-background)', border: '1px solid var(--vscode-input-border, transparent)' },
      '.cm-foldPlaceholder': { backgroundColor: 'var(--vscode-editor-foldBackground, transparent)', border: 'none', color: 'inherit' },
      '.cm-changedLine': { backgroundColor: 'var(--vscode-diffEditor-insertedLineBackground, rgba(155,185,85,.2)) !important' },
      '.cm-changedText': { background: 'var(--vscode-diffEditor-insertedTextBackground, rgba(155,185,85,.4)) !important' },
      '.cm-deletedChunk': { backgroundColor: 'var(--vscode-diffEditor-removedLineBackground, rgba(255,0,0,.2)) !important' },
      '.cm-deletedChunk del, .cm-deletedText': { background: 'var(--vscode-diffEditor-removedTextBackground, rgba(255,0,0,.4)) !important', textDecoration: 'none' },
      '.cm-statementHighlight': { backgroundColor: 'var(--vscode-editor-findRangeHighlightBackground, var(--vscode-editor-findMatchHighlightBackground))' },
    },
    { dark },
  );

const setHighlight = StateEffect.define<{ from: number; to: number } | null>();
const statementHighlight = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, transaction) {
    let next = decorations.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setHighlight)) continue;
      next = effect.value && effect.value.to > effect.value.from ? Decoration.set([Decoration.mark({ class: 'cm-statementHighlight' }).range(effect.value.from, effect.value.to)]) : Decoration.none;
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function isDark(): boolean {
  return document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
}

export class PolicyEditor {
  readonly host: HTMLElement;
  private readonly view: EditorView;
  private readonly readOnly = new Compartment();
  private readonly diff = new Compartment();
  private readonly themed = new Compartment();
  private applyingExternal = false;
  onChange: (text: string) => void = () => {};

  constructor() {
    this.host = document.createElement('div');
    this.host.className = 'editor-host';
    const root = this.host.attachShadow({ mode: 'open' });
    const extensions: Extension[] = [
      lineNumbers(),
      foldGutter(),
      lintGutter(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      search({ top: true }),
      json(),
      syntaxHighlighting(highlight),
      statementHighlight,
      keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
      EditorState.tabSize.of(2),
      this.themed.of(theme(isDark())),
      this.readOnly.of([]),
      this.diff.of([]),
      EditorView.contentAttributes.of({ 'aria-label': 'Key policy' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !this.applyingExternal) this.onChange(update.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ state: EditorState.create({ doc: '', extensions }), root, parent: root });
    new MutationObserver(() => this.view.dispatch({ effects: this.themed.reconfigure(theme(isDark())) })).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the text as one undoable change. With `notify`, listeners hear of it like of typing (a structured edit). */
  setText(text: string, options: { notify?: boolean } = {}): void {
    if (text === this.text) return;
    this.applyingExternal = !options.notify;
    try {
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    } finally {
      this.applyingExternal = false;
    }
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({ effects: this.readOnly.reconfigure(readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : []) });
  }

  /** Shows what changed from `original` inline (deleted lines in red, added in green); undefined turns it off. */
  setDiff(original: string | undefined): void {
    this.view.dispatch({ effects: this.diff.reconfigure(original === undefined ? [] : unifiedMergeView({ original, mergeControls: false, highlightChanges: true, gutter: true })) });
  }

  setMarkers(markers: PolicyMarker[]): void {
    const length = this.view.state.doc.length;
    const diagnostics: Diagnostic[] = markers.map((m) => ({
      from: Math.min(m.from, length),
      to: Math.min(Math.max(m.to, m.from), length),
      severity: m.severity,
      message: m.message,
    }));
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Selects and highlights a range (a statement, a problem) and scrolls to it. */
  reveal(from: number, to: number, highlightIt = false): void {
    const length = this.view.state.doc.length;
    const start = Math.min(from, length);
    const end = Math.min(Math.max(to, from), length);
    this.view.dispatch({
      selection: { anchor: start, head: highlightIt ? start : end },
      effects: [EditorView.scrollIntoView(start, { y: 'center' }), setHighlight.of(highlightIt ? { from: start, to: end } : null)],
    });
    this.view.focus();
  }

  focus(): void {
    this.view.focus();
  }
}
