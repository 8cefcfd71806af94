import type { ReactNode } from 'react';
import { words } from './format.js';
import { ActionError, Empty, ErrorNote } from './ui.js';

/**
 * A table in its scrolling frame, captioned for screen readers; `actions` adds a last column whose
 * header only they hear. Its parts carry their ARIA roles explicitly, so a stacked table (below)
 * is still a table to assistive technology when CSS lays it out as blocks.
 */
export function Table(props: { caption: string; headers: readonly string[]; actions?: boolean; className?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={props.className} role="table">
        <caption className="sr-only">{props.caption}</caption>
        <thead role="rowgroup">
          <tr role="row">
            {props.headers.map((h) => (
              <th key={h} scope="col" role="columnheader">
                {h}
              </th>
            ))}
            {props.actions ? (
              <th scope="col" role="columnheader" className="actions">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody role="rowgroup">{props.children}</tbody>
      </table>
    </div>
  );
}

/** One column of a DataTable: its header and what each row shows under it. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** The cell's class ('num' right-aligns amounts), fixed or by row. */
  className?: string | ((row: T) => string);
  /** The cell's tooltip, e.g. the row's id. */
  title?: (row: T) => string;
}

/** What a DataTable shows: its rows, their columns, and how screen readers and tests find them. */
export interface DataTableProps<T> {
  caption: string;
  columns: ReadonlyArray<Column<T>>;
  rows: readonly T[];
  rowId?: string;
  actions?: (row: T) => ReactNode;
  className?: string;
}

/**
 * Rows of objects, one column each per `columns`. `rowId` names the data attribute that carries
 * the row's id (`payment` → `data-payment="pay_…"`); `actions` fills the last column. At phone
 * width each row stacks into a card, every value under its column's name (`data-label`), instead
 * of a table scrolling sideways.
 */
export function DataTable<T extends { id: string }>(props: DataTableProps<T>) {
  const className = props.className ? `stack ${props.className}` : 'stack';
  return (
    <Table caption={props.caption} headers={props.columns.map((c) => c.header)} actions={props.actions !== undefined} className={className}>
      {props.rows.map((row) => (
        <tr key={row.id} role="row" {...(props.rowId ? { [`data-${props.rowId}`]: row.id } : {})}>
          {props.columns.map((c) => (
            <td key={c.header} role="cell" data-label={c.header} className={typeof c.className === 'function' ? c.className(row) : c.className} title={c.title?.(row)}>
              <div className="cell">{c.cell(row)}</div>
            </td>
          ))}
          {props.actions ? (
            <td role="cell" className="actions">
              {props.actions(row)}
            </td>
          ) : null}
        </tr>
      ))}
    </Table>
  );
}

/** What ListView shows: the rows loaded so far (undefined while the first load runs), the load's error, and more pages. */
export interface ListState<T> {
  rows: readonly T[] | undefined;
  error: unknown;
  more?: (() => Promise<void>) | undefined;
  moreError?: string | undefined;
}

/** A list's states: loading, why it could not load, what to do when it is empty, its rows, and "Load more" while there are more. */
export function ListView<T>(props: { list: ListState<T>; what: string; empty: ReactNode; children: (rows: readonly T[]) => ReactNode }) {
  const { rows, error, more, moreError } = props.list;
  return (
    <>
      <ErrorNote error={error} what={props.what} />
      {rows === undefined && !error ? (
        <p className="hint" aria-busy="true">
          Loading…
        </p>
      ) : null}
      {rows && rows.length === 0 ? <Empty>{props.empty}</Empty> : null}
      {rows && rows.length > 0 ? props.children(rows) : null}
      {more ? (
        <button type="button" className="load-more" onClick={() => void more()}>
          Load more
        </button>
      ) : null}
      <ActionError message={moreError} />
    </>
  );
}

/** The usual list: a ListView whose rows are a DataTable. */
export function ListTable<T extends { id: string }>(props: { list: ListState<T>; what: string; empty: ReactNode } & Omit<DataTableProps<T>, 'rows'>) {
  const { list, what, empty, ...table } = props;
  return (
    <ListView list={list} what={what} empty={empty}>
      {(rows) => <DataTable {...table} rows={rows} />}
    </ListView>
  );
}

/** The filters above a list: each applies as it changes; Enter submits nothing. */
export function Filters(props: { children: ReactNode }) {
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
      {props.children}
    </form>
  );
}

/**
 * A filter that picks one value or any (''); an option is a value (shown with spaces for
 * underscores) or [value, label]. `any: null` offers no "any": one of the options is always chosen.
 */
export function SelectFilter<V extends string>(props: {
  label: string;
  value: V | '';
  options: ReadonlyArray<V | readonly [V, string]>;
  onChange: (value: V | '') => void;
  any?: string | null;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as V | '')}>
        {props.any === null ? null : <option value="">{props.any ?? 'Any'}</option>}
        {props.options.map((o) => {
          const [value, label] = typeof o === 'string' ? [o, words(o)] : o;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** A free-text filter. */
export function SearchFilter(props: { label: string; value: string; onChange: (value: string) => void; placeholder: string }) {
  return (
    <label>
      {props.label}
      <input type="search" value={props.value} onChange={(e) => props.onChange(e.target.value)} placeholder={props.placeholder} />
    </label>
  );
}

/** A row's button, named for screen readers after what it acts on ("Pause research-bot"). */
export function RowAction(props: { label: string; object: string; onClick: () => void; disabled?: boolean; danger?: boolean }) {
  return (
    <button type="button" className={props.danger ? 'danger' : undefined} disabled={props.disabled} onClick={props.onClick} aria-label={`${props.label} ${props.object}`}>
      {props.label}
    </button>
  );
}
