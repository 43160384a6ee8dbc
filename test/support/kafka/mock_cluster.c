/*
 * mock_cluster: a Kafka-protocol broker on loopback for tests, built on
 * librdkafka's mock cluster (rdkafka_mock.h, the one librdkafka's own tests use).
 *
 * Usage: mock_cluster [--brokers N] [--topic name:partitions[:replication]]...
 *
 * On start prints exactly one line "BOOTSTRAP host:port,host:port,..." on stdout,
 * then reads one command per line on stdin and answers each with "OK" or
 * "ERR <msg>" on a line of its own:
 *
 *   down <brokerId>                      rd_kafka_mock_broker_set_down (-1 = all)
 *   up <brokerId>                        rd_kafka_mock_broker_set_up   (-1 = all)
 *   errors <apiKey> <count> <ERR>...     rd_kafka_mock_push_request_errors; apiKey is a
 *                                        name (Produce, Fetch, ...) or a number; ERR is a
 *                                        name (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT,
 *                                        ...) or a number. With fewer ERRs than <count>,
 *                                        the last one is repeated.
 *   clear <apiKey>                       rd_kafka_mock_clear_request_errors
 *   rtt <brokerId> <ms>                  rd_kafka_mock_broker_set_rtt
 *   topic <name> <partitions> [repl]     rd_kafka_mock_topic_create
 *   leader <topic> <partition> <broker>  rd_kafka_mock_partition_set_leader
 *   ping                                 OK
 *   quit                                 OK, then exit
 *
 * EOF on stdin stops it, so the process never outlives whoever spawned it.
 * The mock's brokers listen on 127.0.0.1 (INADDR_LOOPBACK) on ephemeral ports.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 256
#define MAX_ERRS 1024

static int broker_cnt = 3;

struct topic_spec {
        char *name;
        int partitions;
        int replication;
};

/* Kafka protocol ApiKey names (KIP-482 era numbering). */
static const struct {
        const char *name;
        int key;
} api_keys[] = {
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Offset", 2},
    {"Metadata", 3},
    {"LeaderAndIsr", 4},
    {"StopReplica", 5},
    {"UpdateMetadata", 6},
    {"ControlledShutdown", 7},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"GroupCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"DescribeGroups", 15},
    {"ListGroups", 16},
    {"SaslHandshake", 17},
    {"ApiVersions", 18},
    {"ApiVersion", 18},
    {"CreateTopics", 19},
    {"DeleteTopics", 20},
    {"DeleteRecords", 21},
    {"InitProducerId", 22},
    {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"WriteTxnMarkers", 27},
    {"TxnOffsetCommit", 28},
    {"DescribeAcls", 29},
    {"CreateAcls", 30},
    {"DeleteAcls", 31},
    {"DescribeConfigs", 32},
    {"AlterConfigs", 33},
    {"AlterReplicaLogDirs", 34},
    {"DescribeLogDirs", 35},
    {"SaslAuthenticate", 36},
    {"CreatePartitions", 37},
    {"CreateDelegationToken", 38},
    {"RenewDelegationToken", 39},
    {"ExpireDelegationToken", 40},
    {"DescribeDelegationToken", 41},
    {"DeleteGroups", 42},
    {"ElectLeaders", 43},
    {"IncrementalAlterConfigs", 44},
    {"AlterPartitionReassignments", 45},
    {"ListPartitionReassignments", 46},
    {"OffsetDelete", 47},
    {NULL, -1},
};

static void reply_ok(void) {
        fputs("OK\n", stdout);
        fflush(stdout);
}

static void reply_err(const char *fmt, ...) {
        va_list ap;
        fputs("ERR ", stdout);
        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        fflush(stdout);
}

/* Strict integer parse: whole token, base 10. */
static int parse_int(const char *s, long *out) {
        char *end;
        if (!s || !*s)
                return 0;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end)
                return 0;
        *out = v;
        return 1;
}

static int parse_api_key(const char *s, int16_t *out) {
        long v;
        if (parse_int(s, &v)) {
                if (v < 0 || v > 32767)
                        return 0;
                *out = (int16_t)v;
                return 1;
        }
        for (int i = 0; api_keys[i].name; i++) {
                if (!strcasecmp(api_keys[i].name, s)) {
                        *out = (int16_t)api_keys[i].key;
                        return 1;
                }
        }
        return 0;
}

/* Accepts NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
 * any case, or a number. Uses librdkafka's own error table. */
static int parse_err(const char *s, rd_kafka_resp_err_t *out) {
        long v;
        if (parse_int(s, &v)) {
                *out = (rd_kafka_resp_err_t)v;
                return 1;
        }
        if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18))
                s += 18;
        const struct rd_kafka_err_desc *descs;
        size_t cnt;
        rd_kafka_get_err_descs(&descs, &cnt);
        for (size_t i = 0; i < cnt; i++) {
                if (descs[i].name && !strcasecmp(descs[i].name, s)) {
                        *out = descs[i].code;
                        return 1;
                }
        }
        return 0;
}

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *name, long partitions,
                        long replication, char *errbuf, size_t errsize) {
        if (partitions < 1 || partitions > 10000) {
                snprintf(errbuf, errsize, "bad partition count %ld", partitions);
                return 0;
        }
        if (replication < 1 || replication > broker_cnt) {
                snprintf(errbuf, errsize, "bad replication factor %ld (brokers: %d)",
                         replication, broker_cnt);
                return 0;
        }
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(mc, name, (int)partitions, (int)replication);
        if (err) {
                snprintf(errbuf, errsize, "topic %s: %s", name, rd_kafka_err2str(err));
                return 0;
        }
        return 1;
}

static void usage(const char *argv0) {
        fprintf(stderr,
                "usage: %s [--brokers N] [--topic name:partitions[:replication]]...\n",
                argv0);
}

#define MAX_TOKENS 1100

/* Returns 1 to keep going, 0 to quit. */
static int handle(rd_kafka_mock_cluster_t *mc, char *line) {
        char *tok[MAX_TOKENS];
        int n = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r\n", &save); t && n < MAX_TOKENS;
             t = strtok_r(NULL, " \t\r\n", &save))
                tok[n++] = t;
        if (n == 0) {
                reply_err("empty command");
                return 1;
        }
        const char *cmd = tok[0];
        long a, b;
        rd_kafka_resp_err_t err;

        if (!strcmp(cmd, "quit")) {
                reply_ok();
                return 0;
        } else if (!strcmp(cmd, "ping")) {
                reply_ok();
        } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                if (n != 2 || !parse_int(tok[1], &a)) {
                        reply_err("usage: %s <brokerId>", cmd);
                        return 1;
                }
                if (a != -1 && (a < 1 || a > broker_cnt)) {
                        reply_err("unknown broker %ld (ids are 1..%d, or -1 for all)", a,
                                  broker_cnt);
                        return 1;
                }
                err = !strcmp(cmd, "down") ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                                           : rd_kafka_mock_broker_set_up(mc, (int32_t)a);
                if (err)
                        reply_err("%s", rd_kafka_err2str(err));
                else
                        reply_ok();
        } else if (!strcmp(cmd, "rtt")) {
                if (n != 3 || !parse_int(tok[1], &a) || !parse_int(tok[2], &b) || b < 0) {
                        reply_err("usage: rtt <brokerId> <ms>");
                        return 1;
                }
                if (a != -1 && (a < 1 || a > broker_cnt)) {
                        reply_err("unknown broker %ld (ids are 1..%d, or -1 for all)", a,
                                  broker_cnt);
                        return 1;
                }
                err = rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b);
                if (err)
                        reply_err("%s", rd_kafka_err2str(err));
                else
                        reply_ok();
        } else if (!strcmp(cmd, "errors")) {
                int16_t key;
                if (n >= 2 && !parse_api_key(tok[1], &key)) {
                        reply_err("unknown api key %s", tok[1]);
                        return 1;
                }
                if (n < 4 || !parse_int(tok[2], &a) || a < 1 || a > MAX_ERRS) {
                        reply_err("usage: errors <apiKeyName|number> <count 1..%d> <ERRCODE>...",
                                  MAX_ERRS);
                        return 1;
                }
                rd_kafka_resp_err_t errs[MAX_ERRS];
                int given = n - 3;
                if (given > a) {
                        reply_err("%d error codes given for count %ld", given, a);
                        return 1;
                }
                for (int i = 0; i < given; i++) {
                        if (!parse_err(tok[3 + i], &errs[i])) {
                                reply_err("unknown error code %s", tok[3 + i]);
                                return 1;
                        }
                }
                for (long i = given; i < a; i++)
                        errs[i] = errs[given - 1];
                rd_kafka_mock_push_request_errors_array(mc, key, (size_t)a, errs);
                reply_ok();
        } else if (!strcmp(cmd, "clear")) {
                int16_t key;
                if (n != 2 || !parse_api_key(tok[1], &key)) {
                        reply_err("usage: clear <apiKeyName|number>");
                        return 1;
                }
                rd_kafka_mock_clear_request_errors(mc, key);
                reply_ok();
        } else if (!strcmp(cmd, "topic")) {
                long repl = broker_cnt < 3 ? broker_cnt : 3;
                char ebuf[256];
                if ((n != 3 && n != 4) || !parse_int(tok[2], &a) ||
                    (n == 4 && !parse_int(tok[3], &repl))) {
                        reply_err("usage: topic <name> <partitions> [replication]");
                        return 1;
                }
                if (!create_topic(mc, tok[1], a, repl, ebuf, sizeof(ebuf)))
                        reply_err("%s", ebuf);
                else
                        reply_ok();
        } else if (!strcmp(cmd, "leader")) {
                long c;
                if (n != 4 || !parse_int(tok[2], &a) || !parse_int(tok[3], &c)) {
                        reply_err("usage: leader <topic> <partition> <brokerId>");
                        return 1;
                }
                err = rd_kafka_mock_partition_set_leader(mc, tok[1], (int32_t)a, (int32_t)c);
                if (err)
                        reply_err("%s", rd_kafka_err2str(err));
                else
                        reply_ok();
        } else {
                reply_err("unknown command %s", cmd);
        }
        return 1;
}

int main(int argc, char **argv) {
        struct topic_spec topics[MAX_TOPICS];
        int topic_cnt = 0;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        long v;
                        if (!parse_int(argv[++i], &v) || v < 1 || v > 64) {
                                fprintf(stderr, "mock_cluster: bad --brokers %s\n", argv[i]);
                                return 2;
                        }
                        broker_cnt = (int)v;
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
                        char *spec = strdup(argv[++i]);
                        char *c1 = strchr(spec, ':');
                        if (!c1 || c1 == spec || topic_cnt == MAX_TOPICS) {
                                fprintf(stderr, "mock_cluster: bad --topic %s\n", argv[i]);
                                return 2;
                        }
                        *c1 = '\0';
                        char *c2 = strchr(c1 + 1, ':');
                        long p, r = -1;
                        if (c2)
                                *c2 = '\0';
                        if (!parse_int(c1 + 1, &p) || (c2 && !parse_int(c2 + 1, &r))) {
                                fprintf(stderr, "mock_cluster: bad --topic %s\n", argv[i]);
                                return 2;
                        }
                        topics[topic_cnt].name = spec;
                        topics[topic_cnt].partitions = (int)p;
                        topics[topic_cnt].replication = (int)r;
                        topic_cnt++;
                } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                        usage(argv[0]);
                        return 0;
                } else {
                        usage(argv[0]);
                        return 2;
                }
        }

        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* This handle only hosts the mock cluster; keep it quiet and idle. */
        if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) ||
            rd_kafka_conf_set(conf, "client.id", "mock_cluster", errstr, sizeof(errstr))) {
                fprintf(stderr, "mock_cluster: conf: %s\n", errstr);
                return 1;
        }
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "mock_cluster: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mc) {
                fprintf(stderr, "mock_cluster: rd_kafka_mock_cluster_new failed\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        for (int i = 0; i < topic_cnt; i++) {
                int repl = topics[i].replication;
                if (repl < 0)
                        repl = broker_cnt < 3 ? broker_cnt : 3;
                if (!create_topic(mc, topics[i].name, topics[i].partitions, repl, errstr,
                                  sizeof(errstr))) {
                        fprintf(stderr, "mock_cluster: %s\n", errstr);
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        char line[65536];
        while (fgets(line, sizeof(line), stdin)) {
                if (!handle(mc, line))
                        break;
        }

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        for (int i = 0; i < topic_cnt; i++)
                free(topics[i].name);
        return 0;
}
