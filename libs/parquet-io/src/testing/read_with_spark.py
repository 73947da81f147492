"""Reads Parquet files with Spark (PySpark in local mode) for the interop tests, as JSON.

One long-lived SparkSession serves requests, so a spec file starts Spark once:

    python read_with_spark.py '{"threads": 1, "driverMemoryMb": 512}'
    stdout → {"ready": true, "spark": "4.1.4", "startMs": 9000}
    stdin  ← {"id": 1, "files": ["/abs/a.parquet", ...], "view": "t", "queries": [{"name": "n", "sql": "SELECT …"}],
              "deleteFiles": ["/abs/d.parquet"], "dropColumnPrefixes": ["_ducklake_internal_"],
              "schema": [{"name": "id", "type": "bigint", "fieldId": 1}]}           (last three optional)
    stdout → {"id": 1, "ok": true, "schema": [{"name", "type"}], "rows": [...], "queries": {"n": {"schema", "rows"}}}
             {"id": 1, "ok": false, "error": "...", "traceback": "..."}

Each request reads exactly the given files with `mergeSchema` (a column missing from a file reads
as NULL there) or with the given schema (columns matched by Parquet field id where one is given,
so renamed and widened columns read as DuckLake and Iceberg define them), drops the rows that positional delete files name (`file_path`, `pos`), drops the
columns starting with a given prefix, registers the result as a temp view and runs the queries
over it. Values as JSON:
timestamps ISO-8601 with microseconds (`…T13:40:18.110000Z`; TIMESTAMP_NTZ without the `Z`),
dates `YYYY-MM-DD`, decimals and BIGINTs beyond ±(2^53−1) as strings, NaN/±Infinity as strings,
binary as hex, maps as [{key, value}]. Only responses go to stdout: everything else (the JVM, Spark,
py4j) is sent to stderr. Exit code 3 (message on stderr) when pyspark is not importable, 4 when
Spark does not start. Stdin closing stops Spark and the process.
"""
import json
import logging
import math
import os
import sys
import time
import traceback
from urllib.parse import unquote, urlparse

# Python turns Spark's TIMESTAMP values into naive local datetimes: make local time UTC.
os.environ["TZ"] = "UTC"
time.tzset()

try:
    import pyspark
    from pyspark.logger import PySparkLogger
    from pyspark.sql import SparkSession, functions, types
except ImportError as error:  # the caller turns this into a failing test with setup instructions
    print(f"pyspark is not importable: {error}", file=sys.stderr)
    sys.exit(3)

# PySpark also logs every failed query as JSON with the JVM stack: the response carries the error already
for _name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
    PySparkLogger.getLogger(_name).setLevel(logging.CRITICAL)

MAX_SAFE_INTEGER = 2**53 - 1
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    responses = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the JVM inherits fd 1: its output, and any print, must not corrupt the protocol
    sys.stdout = sys.stderr
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    started = time.monotonic()
    try:
        spark = start(config)
    except Exception:  # noqa: BLE001 — any start failure is reported the same way
        traceback.print_exc()
        sys.exit(4)
    send(responses, {"ready": True, "spark": spark.version, "pyspark": pyspark.__version__,
                     "startMs": round((time.monotonic() - started) * 1000)})
    for line in sys.stdin:
        if line.strip() == "":
            continue
        request = json.loads(line)
        try:
            response = {"id": request["id"], "ok": True, **serve(spark, request)}
        except Exception as error:  # noqa: BLE001 — reported to the caller, the session lives on
            response = {"id": request["id"], "ok": False, "error": f"{type(error).__name__}: {error}",
                        "traceback": traceback.format_exc()}
        send(responses, response)
    spark.stop()


def start(config):
    threads = int(config.get("threads", 1))
    workdir = os.getcwd()
    java_options = f"-Duser.timezone=UTC -Dlog4j2.configurationFile=file:{os.path.join(HERE, 'spark-log4j2.properties')}"
    builder = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("fluxo-interop")
        .config("spark.driver.memory", f"{int(config.get('driverMemoryMb', 512))}m")
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(threads))
        .config("spark.default.parallelism", str(threads))
        .config("spark.sql.warehouse.dir", os.path.join(workdir, "warehouse"))
        .config("spark.local.dir", os.path.join(workdir, "local"))
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def serve(spark, request):
    files = checked_files(request["files"])
    # recursiveFileLookup turns off partition discovery: `year=2026/` folders never become columns
    frame = reader(spark, request.get("schema")).option("recursiveFileLookup", "true").parquet(*files)
    uris = frame.inputFiles()
    read = sorted(os.path.normpath(unquote(urlparse(uri).path)) for uri in uris)
    if read != sorted(os.path.normpath(f) for f in set(files)):
        raise ValueError(f"Spark read {read!r}, not exactly the given files")
    prefixes = tuple(request.get("dropColumnPrefixes", []))
    if prefixes:
        frame = frame.drop(*[name for name in frame.columns if name.startswith(prefixes)])
    if request.get("deleteFiles"):
        frame = without_deleted_rows(spark, frame, checked_files(request["deleteFiles"]), uris)
    frame.createOrReplaceTempView(request.get("view", "t"))
    result = table(frame)
    result["queries"] = {q["name"]: table(spark.sql(q["sql"])) for q in request.get("queries", [])}
    return result


def reader(spark, schema):
    """mergeSchema by column name; or, given a schema, exactly that one, matched by field id where given."""
    by_id = bool(schema) and any(column.get("fieldId") is not None for column in schema)
    spark.conf.set("spark.sql.parquet.fieldId.read.enabled", "true" if by_id else "false")
    if not schema:
        return spark.read.option("mergeSchema", "true")
    return spark.read.schema(types.StructType([
        types.StructField(column["name"], types.DataType.fromDDL(column["type"]), True,
                          {} if column.get("fieldId") is None else {"parquet.field.id": int(column["fieldId"])})
        for column in schema
    ]))


def checked_files(files):
    if not files or not all(isinstance(f, str) and os.path.isabs(f) and os.path.isfile(f) for f in files):
        raise ValueError(f"expected existing absolute file paths, got {files!r}")
    return files


def without_deleted_rows(spark, frame, delete_files, uris):
    """Positional deletes (DuckLake's and Iceberg's: `file_path`, `pos` = 0-based row in that file)."""
    # Spark's _metadata.file_path is the URI-encoded form of inputFiles(), with `file:` and no `//`
    spark_path = {os.path.normpath(unquote(urlparse(uri).path)): "file:" + urlparse(uri).path for uri in uris}
    deletes = spark.read.parquet(*delete_files).select("file_path", "pos").collect()
    unknown = sorted({row.file_path for row in deletes if os.path.normpath(row.file_path) not in spark_path})
    if unknown:
        raise ValueError(f"delete files name data files that are not read: {unknown!r}")
    positions = spark.createDataFrame([(spark_path[os.path.normpath(row.file_path)], row.pos) for row in deletes], "_fluxo_path string, _fluxo_pos bigint")
    located = frame.select("*", functions.col("_metadata.file_path").alias("_fluxo_path"), functions.col("_metadata.row_index").alias("_fluxo_pos"))
    return located.join(positions, ["_fluxo_path", "_fluxo_pos"], "left_anti").drop("_fluxo_path", "_fluxo_pos")


def table(frame):
    fields = frame.schema.fields
    names = [field.name for field in fields]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate column names {names!r}: alias them, rows are JSON objects")
    rows = [{field.name: plain(value, field.dataType) for field, value in zip(fields, row)} for row in frame.collect()]
    return {"schema": [{"name": field.name, "type": field.dataType.simpleString()} for field in fields], "rows": rows}


def plain(value, data_type):
    if value is None:
        return None
    if isinstance(data_type, types.TimestampType):
        return value.isoformat(timespec="microseconds") + "Z"
    if isinstance(data_type, types.TimestampNTZType):
        return value.isoformat(timespec="microseconds")
    if isinstance(data_type, types.DateType):
        return value.isoformat()
    if isinstance(data_type, types.DecimalType):
        return format(value, "f")
    if isinstance(data_type, (types.FloatType, types.DoubleType)):
        if math.isnan(value):
            return "NaN"
        return ("Infinity" if value > 0 else "-Infinity") if math.isinf(value) else value
    if isinstance(data_type, types.LongType):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(data_type, types.BinaryType):
        return bytes(value).hex()
    if isinstance(data_type, types.ArrayType):
        return [plain(item, data_type.elementType) for item in value]
    if isinstance(data_type, types.MapType):
        return [{"key": plain(k, data_type.keyType), "value": plain(v, data_type.valueType)} for k, v in value.items()]
    if isinstance(data_type, types.StructType):
        return {field.name: plain(item, field.dataType) for field, item in zip(data_type.fields, value)}
    if isinstance(value, (bool, int, str)):
        return value
    return str(value)


def send(stream, message):
    stream.write(json.dumps(message) + "\n")
    stream.flush()


if __name__ == "__main__":
    main()
