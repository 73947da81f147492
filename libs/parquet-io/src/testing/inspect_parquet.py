"""Reads one Parquet file with pyarrow and prints what the interop tests assert, as one JSON object.

Usage: python inspect_parquet.py <file.parquet> [sample_rows]
Exit code 3 (with a message on stderr) when pyarrow is not importable.
"""
import decimal
import json
import sys

try:
    import pyarrow
    import pyarrow.parquet as pq
    import pyarrow.types as pat
except ImportError as error:  # the caller turns this into a failing test with setup instructions
    print(f"pyarrow is not importable: {error}", file=sys.stderr)
    sys.exit(3)

PAGE_TYPES = {0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2"}


def first_data_page_type(path, column_chunk):
    """Decodes field 1 (PageHeader.type, i32) of the first data page header: thrift compact protocol."""
    with open(path, "rb") as handle:
        handle.seek(column_chunk.data_page_offset)
        header = handle.read(2)
    if len(header) < 2 or header[0] != 0x15:
        return "UNKNOWN"
    zigzag = header[1]
    return PAGE_TYPES.get((zigzag >> 1) ^ -(zigzag & 1), "UNKNOWN")


def plain(value, arrow_type):
    if value is None:
        return None
    if pat.is_timestamp(arrow_type) or pat.is_date(arrow_type):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1:
        return str(value)  # JSON numbers beyond 2^53 would lose digits in JavaScript
    if isinstance(value, list):
        return [plain(item, arrow_type.value_type) for item in value]
    return value


def main():
    path = sys.argv[1]
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    parquet_file = pq.ParquetFile(path)
    metadata = parquet_file.metadata
    table = parquet_file.read()
    schema = table.schema
    columns = []
    for index, field in enumerate(schema):
        chunk = metadata.row_group(0).column(index) if metadata.num_row_groups > 0 else None
        columns.append({
            "name": field.name,
            "type": str(field.type),
            "nullable": field.nullable,
            "compression": chunk.compression if chunk is not None else None,
            "firstDataPage": first_data_page_type(path, chunk) if chunk is not None else None,
        })
    rows = [
        {name: plain(value, schema.field(name).type) for name, value in row.items()}
        for row in table.slice(0, sample).to_pylist()
    ]
    print(json.dumps({
        "pyarrow": pyarrow.__version__,
        "formatVersion": metadata.format_version,
        "createdBy": metadata.created_by,
        "numRows": metadata.num_rows,
        "numRowGroups": metadata.num_row_groups,
        "columns": columns,
        "rows": rows,
    }))


if __name__ == "__main__":
    main()
