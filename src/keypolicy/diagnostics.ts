// The policy engine's problems of open key policies in the Problems panel, updated as the person types.
import * as vscode from 'vscode';
import type { PolicyProblem } from '../policy';
import { policyProblems } from './policy-text';
import { KMSLAB_SCHEME, parsePath } from './uri';

const SEVERITY: Record<PolicyProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

const DELAY_MS = 150;

export function isKeyPolicyDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === KMSLAB_SCHEME && parsePath(document.uri.path).kind === 'key-policy';
}

export function toDiagnostic(document: vscode.TextDocument, problem: PolicyProblem): vscode.Diagnostic {
  const start = document.positionAt(problem.range?.start ?? 0);
  const end = document.positionAt(problem.range?.end ?? 0);
  const range = start.isEqual(end) ? document.lineAt(start.line).range : new vscode.Range(start, end);
  const diagnostic = new vscode.Diagnostic(range, problem.message, SEVERITY[problem.severity]);
  diagnostic.source = 'KMS Lab';
  diagnostic.code = problem.code;
  return diagnostic;
}

export class KeyPolicyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kmsLab.keyPolicy');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  /** `readOnlyReason` says why a key policy cannot be edited (an AWS managed key), shown as a hint on its first line. */
  constructor(private readonly readOnlyReason: (uri: vscode.Uri) => string | undefined) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  update(document: vscode.TextDocument): void {
    if (!isKeyPolicyDocument(document)) return;
    const diagnostics = policyProblems(document.getText()).map((p) => toDiagnostic(document, p));
    const reason = this.readOnlyReason(document.uri);
    if (reason) {
      const note = new vscode.Diagnostic(document.lineAt(0).range, reason, vscode.DiagnosticSeverity.Information);
      note.source = 'KMS Lab';
      note.code = 'read-only';
      diagnostics.unshift(note);
    }
    this.collection.set(document.uri, diagnostics);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isKeyPolicyDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.update(document);
      }, DELAY_MS),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(uri);
  }
}
