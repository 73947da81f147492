"""The original design's engine for the normalize benchmark: a PySpark Structured Streaming job.

It reads the raw FileReferences from Kafka (the Kafka source of Structured Streaming), and for each
micro-batch reads the referenced raw Parquet files, maps every record to the curated `earthquakes`
columns (the same mapping as fluxo's compiled SQL: JSON parsed once per row with an explicit
schema, types, lineage columns), drops duplicate (key, version) pairs and rows missing a required
column, and writes event-date partitioned Parquet (zstd, microsecond UTC timestamps).

`trigger(availableNow=True)` drains what the topic holds and stops: by default everything that is
there becomes one micro-batch, Spark's most favourable case. Progress goes to stdout as JSON lines
({"event": "session-ready" | "batch" | "done", "t": epoch ms, ...}) for the bench to time.

    python normalize_job.py --brokers 127.0.0.1:29192 --topic T --lake DIR --out DIR \
        --checkpoint DIR --jars a.jar,b.jar
"""

import argparse
import json
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T


def emit(event, **fields):
    print(json.dumps({"event": event, "t": int(time.time() * 1000), **fields}), flush=True)


FEATURE = T.StructType(
    [
        T.StructField("id", T.StringType()),
        T.StructField(
            "properties",
            T.StructType(
                [
                    T.StructField("time", T.LongType()),
                    T.StructField("updated", T.LongType()),
                    T.StructField("mag", T.DoubleType()),
                    T.StructField("magType", T.StringType()),
                    T.StructField("place", T.StringType()),
                    T.StructField("status", T.StringType()),
                    T.StructField("type", T.StringType()),
                    T.StructField("sig", T.IntegerType()),
                    T.StructField("tsunami", T.IntegerType()),
                    T.StructField("net", T.StringType()),
                    T.StructField("url", T.StringType()),
                ]
            ),
        ),
        T.StructField("geometry", T.StructType([T.StructField("coordinates", T.ArrayType(T.DoubleType()))])),
    ]
)

REQUIRED = ["event_id", "event_time", "updated_at", "longitude", "latitude"]


def curate(spark, raw, lineage):
    f = F.from_json("record", FEATURE)
    p = "r.properties"
    rows = raw.select(
        f.alias("r"),
        "record_key",
        "record_version",
        "fetched_at",
        F.regexp_extract(F.col("_metadata.file_path"), r"(raw/[^/]+/[^/]+/[^/]+\.parquet)$", 1).alias("_raw_uri"),
    )
    curated = rows.select(
        F.col("r.id").alias("event_id"),
        F.timestamp_millis(F.col(f"{p}.time")).alias("event_time"),
        F.timestamp_millis(F.col(f"{p}.updated")).alias("updated_at"),
        F.col(f"{p}.mag").alias("magnitude"),
        F.col(f"{p}.magType").alias("magnitude_type"),
        F.col("r.geometry.coordinates")[0].alias("longitude"),
        F.col("r.geometry.coordinates")[1].alias("latitude"),
        F.col("r.geometry.coordinates")[2].alias("depth_km"),
        F.col(f"{p}.place").alias("place"),
        F.col(f"{p}.status").alias("status"),
        F.col(f"{p}.type").alias("event_type"),
        F.col(f"{p}.sig").alias("significance"),
        (F.col(f"{p}.tsunami") == 1).alias("tsunami"),
        F.col(f"{p}.net").alias("network"),
        F.col(f"{p}.url").alias("url"),
        F.lit("usgs-earthquakes").alias("_source"),
        F.col("record_key").alias("_record_key"),
        F.col("record_version").alias("_record_version"),
        F.col("fetched_at").alias("_fetched_at"),
        "_raw_uri",
    )
    curated = curated.dropDuplicates(["_record_key", "_record_version"])
    for column in REQUIRED:
        curated = curated.filter(F.col(column).isNotNull())
    return (
        curated.join(F.broadcast(lineage), "_raw_uri")
        .withColumn("event_date", F.to_date("event_time"))
        .sortWithinPartitions("event_date", "event_time", "_record_key", "_record_version")
    )


def main():
    parser = argparse.ArgumentParser()
    for name in ("brokers", "topic", "lake", "out", "checkpoint", "jars"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("fluxo-bench-normalize")
        .config("spark.jars", args.jars)
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    emit("session-ready")

    references = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", args.brokers)
        .option("subscribe", args.topic)
        .option("startingOffsets", "earliest")
        .load()
    )

    def process(batch, batch_id):
        refs = batch.select(
            F.get_json_object(F.col("value").cast("string"), "$.uri").alias("uri"),
            "topic",
            "partition",
            "offset",
        ).collect()
        if not refs:
            return
        started = time.time()
        lineage = spark.createDataFrame(
            [(r["uri"], r["topic"], r["partition"], r["offset"]) for r in refs],
            "_raw_uri string, _kafka_topic string, _kafka_partition int, _kafka_offset long",
        )
        raw = spark.read.parquet(*[f"{args.lake}/{r['uri']}" for r in refs])
        curate(spark, raw, lineage).write.mode("append").partitionBy("event_date").parquet(args.out)
        emit("batch", batch=batch_id, files=len(refs), ms=int((time.time() - started) * 1000))

    query = (
        references.writeStream.foreachBatch(process)
        .option("checkpointLocation", args.checkpoint)
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    emit("done")
    spark.stop()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # surfaced to the bench as the reason the baseline could not run
        emit("failed", error=str(error)[:2000])
        sys.exit(1)
