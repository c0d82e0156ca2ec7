// The items side: how to read (Scan, or Query on the keys), page size, columns, the JSON form, "Read as", and the panes.
import type { ItemsHostMessage, PaneId, ReadAsOption, ReadRequest, SortOperator, TableView } from '../panel/items-protocol';
import { PAGE_SIZES, SORT_OPERATORS } from '../panel/items-protocol';
import { button, checked, clear, el, show, toggle } from './dom';
import { send, state, updateState } from './host';
import { ItemsPane, type ItemsSettings } from './items-pane';
import type { GridColumn } from './virtual-grid';

const SORT_LABELS: Record<SortOperator, string> = { '=': '=', '<': '<', '<=': '≤', '>': '>', '>=': '≥', begins_with: 'begins with', between: 'between' };

function option(value: string, label: string, selected = false): HTMLElement {
  return el('vscode-option', { text: label, attrs: { value, selected } });
}

function field(label: string, input: HTMLElement): HTMLElement {
  return el('label', { class: 'field' }, [el('span', { class: 'field-label', text: label }), input]);
}

const valueOf = (element: HTMLElement): string => (element as HTMLInputElement).value ?? '';

export class ItemsView {
  readonly element: HTMLElement;
  readonly settings: ItemsSettings;
  private readonly panes: Record<PaneId, ItemsPane>;
  private readonly panesBox: HTMLElement;
  private readonly tableLine: HTMLElement;
  private readonly readAs: HTMLElement;
  private readonly queryForm: HTMLElement;
  private readonly partitionLabel: HTMLElement;
  private readonly partitionInput: HTMLElement;
  private readonly sortRow: HTMLElement;
  private readonly sortLabel: HTMLElement;
  private readonly sortOperator: HTMLElement;
  private readonly sortValue: HTMLElement;
  private readonly sortValue2: HTMLElement;
  private readonly columnsMenu: HTMLElement;
  private readonly queryProblem: HTMLElement;
  private secondaryShown = false;
  /** Called once, when the status bar identity's first rows have been drawn. */
  onFirstRows: () => void = () => {};
  private readAsSelected: string | undefined;
  private readAsOptions: ReadAsOption[] = [];

  constructor() {
    const saved = state();
    this.settings = { mode: saved?.plainJson === false ? 'dynamodb' : 'plain', hidden: new Set(saved?.hiddenColumns ?? []), pageSize: saved?.pageSize ?? 100 };
    this.panes = {
      primary: new ItemsPane('primary', this.settings, () => this.refreshColumns(), () => this.onFirstRows()),
      secondary: new ItemsPane('secondary', this.settings, () => this.refreshColumns()),
    };
    this.tableLine = el('div', { class: 'table-line' });

    this.readAs = el('vscode-single-select', { class: 'read-as', attrs: { 'aria-label': 'Read as' } });
    this.readAs.addEventListener('change', () => {
      const id = valueOf(this.readAs) || undefined;
      if (id === this.readAsSelected) return;
      this.readAsSelected = id;
      updateState({ readAs: id, readAsLabel: this.readAsOptions.find((o) => o.id === id)?.label });
      send({ type: 'setReadAs', id });
    });

    const pageSize = el(
      'vscode-single-select',
      { class: 'page-size', attrs: { 'aria-label': 'Items per page' } },
      PAGE_SIZES.map((size) => option(String(size), `${size} per page`, size === this.settings.pageSize)),
    );
    pageSize.addEventListener('change', () => {
      this.settings.pageSize = Number(valueOf(pageSize)) || 100;
      updateState({ pageSize: this.settings.pageSize });
    });

    const dynamoJson = el('vscode-checkbox', { attrs: { label: 'DynamoDB JSON', checked: this.settings.mode === 'dynamodb' } });
    dynamoJson.addEventListener('change', () => {
      this.settings.mode = checked(dynamoJson) ? 'dynamodb' : 'plain';
      updateState({ plainJson: this.settings.mode === 'plain' });
      for (const pane of Object.values(this.panes)) pane.setMode(this.settings.mode);
    });

    this.columnsMenu = el('div', { class: 'columns-menu', attrs: { role: 'group', 'aria-label': 'Columns' } });
    show(this.columnsMenu, false);
    const columnsButton = button('Columns', () => toggle(this.columnsMenu), { secondary: true, icon: 'list-selection', id: 'columns' });

    this.partitionLabel = el('span', { class: 'field-label', text: 'Partition key' });
    this.partitionInput = el('vscode-textfield', { attrs: { placeholder: 'value', 'aria-label': 'Partition key value' } });
    this.sortLabel = el('span', { class: 'field-label', text: 'Sort key' });
    this.sortOperator = el('vscode-single-select', { attrs: { 'aria-label': 'Sort key condition' } }, [option('', 'any'), ...SORT_OPERATORS.map((op) => option(op, SORT_LABELS[op]))]);
    this.sortValue = el('vscode-textfield', { attrs: { placeholder: 'value', 'aria-label': 'Sort key value' } });
    this.sortValue2 = el('vscode-textfield', { attrs: { placeholder: 'and value', 'aria-label': 'Second sort key value' } });
    this.sortOperator.addEventListener('change', () => show(this.sortValue2, valueOf(this.sortOperator) === 'between'));
    show(this.sortValue2, false);
    this.sortRow = el('div', { class: 'query-sort' }, [this.sortLabel, this.sortOperator, this.sortValue, this.sortValue2]);
    this.queryProblem = el('span', { class: 'query-problem', attrs: { role: 'alert' } });
    this.queryForm = el('div', { class: 'query-form' }, [
      el('label', { class: 'field' }, [this.partitionLabel, this.partitionInput]),
      this.sortRow,
      button('Run Query', () => this.query(), { icon: 'play', id: 'run-query' }),
      this.queryProblem,
    ]);
    show(this.queryForm, false);
    for (const input of [this.partitionInput, this.sortValue, this.sortValue2]) {
      input.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') this.query();
      });
    }

    this.panesBox = el('div', { class: 'panes' }, [this.panes.primary.element]);
    this.element = el('div', { class: 'items-view' }, [
      this.tableLine,
      el('div', { class: 'toolbar' }, [
        button('Scan', () => this.scan(), { icon: 'refresh', id: 'scan' }),
        button('Query…', () => toggle(this.queryForm), { secondary: true, icon: 'search', id: 'query' }),
        pageSize,
        columnsButton,
        dynamoJson,
        el('span', { class: 'spacer' }),
        field('Read as', this.readAs),
      ]),
      this.queryForm,
      this.columnsMenu,
      this.panesBox,
    ]);
  }

  handle(message: ItemsHostMessage): void {
    switch (message.type) {
      case 'identity':
        if (message.pane === 'secondary') this.showSecondary(!!message.identity);
        this.panes[message.pane].setIdentity(message.identity);
        return;
      case 'table':
        this.setTable(message.table, message.problem);
        return;
      case 'items':
        if (message.pane === 'secondary') this.showSecondary(true);
        this.panes[message.pane].onItems(message.requestId, message.items, message.lastEvaluatedKey, message.append, message.request);
        return;
      case 'readFailed':
        if (message.pane === 'secondary') this.showSecondary(true);
        this.panes[message.pane].onFailure(message.requestId, message.failure, message.request);
        return;
      case 'readAsOptions':
        this.setReadAsOptions(message.options, message.selected);
        return;
    }
  }

  setReadAsOptions(options: ReadAsOption[], selected: string | undefined): void {
    this.readAsSelected = selected;
    this.readAsOptions = options;
    const label = options.find((o) => o.id === selected)?.label;
    if (label) updateState({ readAs: selected, readAsLabel: label });
    const known = !selected || options.some((o) => o.id === selected);
    this.readAs.replaceChildren(
      option('', 'Nobody else', !selected),
      ...options.map((o) => option(o.id, `${o.label} — ${o.description}`, o.id === selected)),
      // An identity that is gone keeps its place, by its name (never by its id).
      ...(known ? [] : [option(selected, state()?.readAsLabel ?? 'The identity chosen before', true)]),
    );
    (this.readAs as HTMLInputElement).value = selected ?? '';
    if (!selected) this.showSecondary(false);
  }

  private showSecondary(visible: boolean): void {
    if (visible === this.secondaryShown) return;
    this.secondaryShown = visible;
    if (visible) this.panesBox.append(this.panes.secondary.element);
    else this.panes.secondary.element.remove();
    this.panesBox.classList.toggle('two', visible);
  }

  private setTable(table: TableView | undefined, problem: string | undefined): void {
    this.settings.table = table;
    clear(this.tableLine);
    if (table) {
      const hash = table.keySchema.find((k) => k.type === 'HASH');
      const range = table.keySchema.find((k) => k.type === 'RANGE');
      this.tableLine.append(
        el('span', { class: 'codicon codicon-database', attrs: { 'aria-hidden': 'true' } }),
        el('strong', { text: table.name }),
        el('span', { class: 'muted', text: ` · ${table.region} · ${table.status}` }),
        el('vscode-badge', { text: ENCRYPTION[table.encryption] }),
      );
      this.partitionLabel.textContent = hash ? `${hash.name} (${table.keyTypes[hash.name] ?? 'S'}) =` : 'Partition key';
      show(this.sortRow, !!range);
      if (range) this.sortLabel.textContent = `${range.name} (${table.keyTypes[range.name] ?? 'S'})`;
    }
    if (problem) this.tableLine.append(el('span', { class: 'problem', text: problem }));
    this.refreshColumns();
  }

  private scan(): void {
    this.read({ kind: 'scan' });
  }

  private query(): void {
    const partitionValue = valueOf(this.partitionInput);
    const operator = valueOf(this.sortOperator) as SortOperator | '';
    this.queryProblem.textContent = '';
    if (!partitionValue) {
      this.queryProblem.textContent = 'Enter the partition key value.';
      return;
    }
    const request: ReadRequest = operator
      ? { kind: 'query', partitionValue, sort: { operator, value: valueOf(this.sortValue), value2: operator === 'between' ? valueOf(this.sortValue2) : undefined } }
      : { kind: 'query', partitionValue };
    this.read(request);
  }

  private read(request: ReadRequest): void {
    this.panes.primary.read(request);
    if (this.secondaryShown) this.panes.secondary.read(request);
  }

  /** Key attributes first, then every other attribute in the order it was first seen, in both panes. */
  private refreshColumns(): void {
    const table = this.settings.table;
    const keys = table ? [...table.keySchema].sort((a, b) => (a.type === b.type ? 0 : a.type === 'HASH' ? -1 : 1)) : [];
    const names: string[] = keys.map((k) => k.name);
    for (const pane of Object.values(this.panes)) for (const name of pane.attributeNames()) if (!names.includes(name)) names.push(name);
    const columns: GridColumn[] = names
      .filter((name) => !this.settings.hidden.has(name))
      .map((name) => {
        const key = keys.find((k) => k.name === name)?.type;
        return { name, width: key ? 180 : 160, key };
      });
    for (const pane of Object.values(this.panes)) pane.applyColumns(columns);
    this.renderColumnsMenu(names, new Set(keys.map((k) => k.name)));
  }

  private renderColumnsMenu(names: string[], keys: Set<string>): void {
    this.columnsMenu.replaceChildren(
      el('span', { class: 'field-label', text: 'Show columns:' }),
      ...names.map((name) => {
        const box = el('vscode-checkbox', { attrs: { label: name, checked: !this.settings.hidden.has(name), disabled: keys.has(name) } });
        box.addEventListener('change', () => {
          if (checked(box)) this.settings.hidden.delete(name);
          else this.settings.hidden.add(name);
          updateState({ hiddenColumns: [...this.settings.hidden] });
          this.refreshColumns();
        });
        return box;
      }),
    );
  }
}

const ENCRYPTION: Record<TableView['encryption'], string> = {
  'aws-owned': 'AWS owned key',
  'aws-managed': 'AWS managed key',
  'customer-managed': 'customer managed key',
};
