// A grid of fixed-height rows that keeps only the visible rows (and a few either side) in the DOM, so 100,000 items
// scroll like 100. Cells get their text through textContent: item values are never parsed as HTML.
import type { ItemJson } from '../panel/items-protocol';
import { cellText, type ViewMode } from './attribute-values';
import { el } from './dom';

export const ROW_HEIGHT = 24;
const OVERSCAN = 12;
/** How close to the last loaded item a scroll must come before the next page is asked for. */
const NEAR_END = 40;
const MAX_CELL_TEXT = 300;

export interface GridColumn {
  name: string;
  width: number;
  key?: 'HASH' | 'RANGE';
}

export interface GridSelection {
  row: number;
  column: number;
}

export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private items: ItemJson[] = [];
  private columns: GridColumn[] = [];
  private mode: ViewMode = 'plain';
  private frame = 0;
  private selection: GridSelection | undefined;
  onSelect: (selection: GridSelection | undefined) => void = () => {};
  onNearEnd: () => void = () => {};
  onRender: (domRows: number) => void = () => {};
  onCopyCell: () => void = () => {};

  constructor(label: string) {
    this.header = el('div', { class: 'grid-header', attrs: { role: 'row' } });
    this.layer = el('div', { class: 'grid-layer', attrs: { role: 'rowgroup' } });
    this.body = el('div', { class: 'grid-body' }, [this.layer]);
    this.element = el('div', { class: 'grid', attrs: { role: 'grid', tabindex: '0', 'aria-label': label } }, [this.header, this.body]);
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    // Full text on hover, set only for the cell under the pointer.
    this.element.addEventListener('mouseover', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.grid-cell');
      if (cell && !cell.title && cell.textContent) cell.title = this.fullText(cell) ?? '';
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get length(): number {
    return this.items.length;
  }

  get selected(): GridSelection | undefined {
    return this.selection;
  }

  item(index: number): ItemJson | undefined {
    return this.items[index];
  }

  column(index: number): GridColumn | undefined {
    return this.columns[index];
  }

  visibleColumns(): readonly GridColumn[] {
    return this.columns;
  }

  /** How many item rows are in the DOM now. */
  domRows(): number {
    return this.layer.childElementCount;
  }

  setColumns(columns: GridColumn[]): void {
    this.columns = columns;
    const template = ['56px', ...columns.map((c) => `${c.width}px`)].join(' ');
    const width = 56 + columns.reduce((sum, c) => sum + c.width, 0);
    this.element.style.setProperty('--grid-columns', template);
    this.element.style.setProperty('--grid-width', `${width}px`);
    this.header.replaceChildren(
      el('div', { class: 'grid-cell grid-index', text: '#', attrs: { role: 'columnheader' } }),
      ...columns.map((c) =>
        el('div', { class: `grid-cell${c.key ? ' grid-key' : ''}`, title: c.key ? `${c.name} (${c.key === 'HASH' ? 'partition key' : 'sort key'})` : c.name, attrs: { role: 'columnheader' } }, [
          c.key ? el('span', { class: 'codicon codicon-key', attrs: { 'aria-hidden': 'true' } }) : undefined,
          el('span', { text: c.name }),
        ]),
      ),
    );
    for (const row of this.pool) row.replaceChildren();
    if (this.selection && this.selection.column >= columns.length) this.select(undefined);
    this.schedule();
  }

  setItems(items: ItemJson[]): void {
    this.items = items;
    if (this.selection) {
      this.selection = undefined;
      this.onSelect(undefined);
    }
    this.element.scrollTop = 0;
    this.resize();
  }

  appendItems(items: ItemJson[]): void {
    for (const item of items) this.items.push(item);
    this.resize();
  }

  setMode(mode: ViewMode): void {
    this.mode = mode;
    this.schedule();
  }

  /** Text of the selected cell, the row of visible columns, or the whole item. */
  selectedCellText(): string | undefined {
    const s = this.selection;
    const column = s && this.columns[s.column];
    const item = s && this.items[s.row];
    return column && item ? cellText(item[column.name], this.mode) : undefined;
  }

  rowText(row: number): string {
    const item = this.items[row];
    return item ? this.columns.map((c) => cellText(item[c.name], this.mode)).join('\t') : '';
  }

  select(selection: GridSelection | undefined): void {
    this.selection = selection;
    if (selection) this.scrollToRow(selection.row);
    this.schedule();
    this.onSelect(selection);
  }

  private resize(): void {
    this.body.style.height = `${this.items.length * ROW_HEIGHT}px`;
    this.schedule();
  }

  private scrollToRow(row: number): void {
    const top = row * ROW_HEIGHT;
    const visible = this.element.clientHeight - ROW_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + visible) this.element.scrollTop = top + ROW_HEIGHT - visible;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const total = this.items.length;
    const viewport = Math.max(this.element.clientHeight, ROW_HEIGHT * 10);
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.max(0, Math.min(total - first, Math.ceil(viewport / ROW_HEIGHT) + 2 * OVERSCAN));
    while (this.pool.length < count) this.pool.push(el('div', { class: 'grid-row', attrs: { role: 'row' } }));
    while (this.layer.childElementCount > count) this.layer.lastElementChild?.remove();
    for (let i = this.layer.childElementCount; i < count; i++) this.layer.append(this.pool[i]);
    this.layer.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    for (let i = 0; i < count; i++) this.fillRow(this.pool[i], first + i);
    this.onRender(count);
    const lastVisible = Math.floor((this.element.scrollTop + viewport) / ROW_HEIGHT);
    if (total > 0 && lastVisible >= total - NEAR_END) this.onNearEnd();
  }

  private fillRow(row: HTMLElement, index: number): void {
    const item = this.items[index];
    const cells = this.columns.length + 1;
    while (row.childElementCount < cells) row.append(el('div', { class: 'grid-cell', attrs: { role: 'gridcell' } }));
    while (row.childElementCount > cells) row.lastElementChild?.remove();
    row.dataset.row = String(index);
    row.classList.toggle('selected', this.selection?.row === index);
    const children = row.children as HTMLCollectionOf<HTMLElement>;
    children[0].textContent = String(index + 1);
    children[0].className = 'grid-cell grid-index';
    for (let c = 0; c < this.columns.length; c++) {
      const cell = children[c + 1];
      const value = item?.[this.columns[c].name];
      const text = cellText(value, this.mode);
      cell.textContent = text.length > MAX_CELL_TEXT ? `${text.slice(0, MAX_CELL_TEXT)}…` : text;
      cell.title = '';
      cell.dataset.column = String(c);
      cell.className = `grid-cell${value === undefined ? ' grid-missing' : ''}${this.selection?.row === index && this.selection.column === c ? ' selected-cell' : ''}`;
    }
  }

  private fullText(cell: HTMLElement): string | undefined {
    const row = Number(cell.parentElement?.dataset.row);
    const column = Number(cell.dataset.column);
    const item = this.items[row];
    const c = this.columns[column];
    if (!item || !c) return undefined;
    const text = cellText(item[c.name], this.mode);
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  }

  private onClick(event: MouseEvent): void {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('.grid-cell');
    const row = cell?.parentElement?.dataset.row;
    if (!cell || row === undefined) return;
    const column = cell.dataset.column === undefined ? 0 : Number(cell.dataset.column);
    this.select({ row: Number(row), column });
  }

  private onKey(event: KeyboardEvent): void {
    const s = this.selection ?? { row: 0, column: 0 };
    const moves: Record<string, GridSelection> = {
      ArrowDown: { row: Math.min(this.items.length - 1, s.row + 1), column: s.column },
      ArrowUp: { row: Math.max(0, s.row - 1), column: s.column },
      ArrowRight: { row: s.row, column: Math.min(this.columns.length - 1, s.column + 1) },
      ArrowLeft: { row: s.row, column: Math.max(0, s.column - 1) },
      PageDown: { row: Math.min(this.items.length - 1, s.row + Math.floor(this.element.clientHeight / ROW_HEIGHT)), column: s.column },
      PageUp: { row: Math.max(0, s.row - Math.floor(this.element.clientHeight / ROW_HEIGHT)), column: s.column },
      Home: { row: 0, column: s.column },
      End: { row: Math.max(0, this.items.length - 1), column: s.column },
    };
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      this.onCopyCell();
      return;
    }
    const next = moves[event.key];
    if (!next || this.items.length === 0) return;
    event.preventDefault();
    this.select(next);
  }
}
