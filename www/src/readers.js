// Simulated content for a Distributed Map's ItemReader. The engine reads a Map's items through
// the handler named after the Map (as the JS API does); without one, the page gives the reader
// a sample object of the kind it reads (CSV, JSON, JSON Lines, an S3 listing), which the user
// can replace or make fail in the Task responses tab.

const DELIMITERS = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

/**
 * What a Map's ItemReader reads: { kind: 'csv' | 'json' | 'jsonl' | 'list' | 'other',
 * label, json (the content must be JSON text) }.
 */
export function describeReader(reader) {
  const resource = String(reader?.Resource ?? '');
  const config = reader?.ReaderConfig && typeof reader.ReaderConfig === 'object' ? reader.ReaderConfig : {};
  const action = resource.match(/:s3:(\w+)$/)?.[1] ?? '';
  if (action === 'listObjectsV2') return { kind: 'list', label: 'ItemReader · S3 listObjectsV2', json: true };
  const type = String(config.InputType ?? 'JSON').toUpperCase();
  if (action !== 'getObject') return { kind: 'other', label: `ItemReader · ${resource || 'no Resource'}`, json: false };
  if (type === 'CSV') return { kind: 'csv', label: 'ItemReader · S3 getObject, CSV', json: false };
  if (type === 'JSONL') return { kind: 'jsonl', label: 'ItemReader · S3 getObject, JSON Lines', json: false };
  if (type === 'JSON') return { kind: 'json', label: 'ItemReader · S3 getObject, JSON', json: true };
  return { kind: 'other', label: `ItemReader · S3 getObject, ${type}`, json: false };
}

/** A small object of the kind the reader reads, as the text S3 would return; null when not simulated. */
export function sampleContent(reader) {
  const { kind } = describeReader(reader);
  const config = reader?.ReaderConfig && typeof reader.ReaderConfig === 'object' ? reader.ReaderConfig : {};
  if (kind === 'csv') {
    const d = DELIMITERS[String(config.CSVDelimiter ?? 'COMMA').toUpperCase()] ?? ',';
    const given = String(config.CSVHeaderLocation ?? 'FIRST_ROW').toUpperCase() === 'GIVEN' && Array.isArray(config.CSVHeaders);
    const columns = given ? config.CSVHeaders.length : 2;
    const row = (i) => Array.from({ length: columns }, (_, c) => (c === 0 ? String(i) : `value ${i}.${c}`)).join(d);
    return `${given ? '' : `id${d}name\n`}${[1, 2, 3].map(row).join('\n')}\n`;
  }
  if (kind === 'json') return `${JSON.stringify([{ id: 1, name: 'first' }, { id: 2, name: 'second' }, { id: 3, name: 'third' }], null, 2)}\n`;
  if (kind === 'jsonl') return '{"id": 1, "name": "first"}\n{"id": 2, "name": "second"}\n{"id": 3, "name": "third"}\n';
  if (kind === 'list') {
    const object = (key, size) => ({ Key: key, Size: size, ETag: '"9e107d9d372bb6826bd81d3542a419d6"', LastModified: '2024-01-01T00:00:00Z', StorageClass: 'STANDARD' });
    return `${JSON.stringify([object('data/a.json', 120), object('data/b.json', 245), object('data/c.json', 87)], null, 2)}\n`;
  }
  return null;
}

/** What the worker needs to answer a reader with no handler: its sample content, and whether that is JSON text. */
export function simulatedReader(reader) {
  return { content: sampleContent(reader), json: describeReader(reader).json };
}

/** The Map states with an ItemReader in a definition's scope and the scopes inside it: [{ name, reader }]. */
export function readerMaps(stateDefs) {
  return [...stateDefs].filter(([, { def }]) => def.Type === 'Map' && def.ItemReader && typeof def.ItemReader === 'object')
    .map(([name, { def }]) => ({ name, reader: def.ItemReader }));
}
