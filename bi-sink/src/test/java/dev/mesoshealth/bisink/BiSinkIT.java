package dev.mesoshealth.bisink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.EmbeddedPostgres;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.testkit.SaslSslListener;
import dev.mesoshealth.testkit.TempDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole BI path with real parts: a known snapshot sequence into the real broker, the processor
 * writing the feed topics, a Kafka Connect worker with Debezium's JDBC sink reading them over
 * SASL_SSL, and PostgreSQL. The tables must hold exactly the facts of the feeds; a replay and a
 * restart must change nothing but what is new.
 */
class BiSinkIT {
  /** The sink reads over TLS and SCRAM, as a secured production cluster would have it. */
  private static final SaslSslListener SECURE = new SaslSslListener();

  @RegisterExtension
  static final KafkaBrokerExtension kafka = new KafkaBrokerExtension(SECURE.brokerOverrides());

  private static final String CLUSTER = "bi";
  private static final List<String> AGENTS = List.of("A0", "A1", "A2");
  private static final String SICK = "A1";

  private static EmbeddedPostgres postgres;
  private static ProcessorMain processor;
  private static Instant base;

  @BeforeAll
  static void start() throws Exception {
    SECURE.addUser(kafka.broker());
    postgres = EmbeddedPostgres.start();
    kafka.createTopics(Topics.all(), 3);
    Map<String, String> p = new HashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put("application.id", "bi-it");
    p.put(SharedConfig.POLL_INTERVAL, "60s");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("state.dir", TempDirs.create("bi-it-").toString());
    processor = ProcessorMain.start(ProcessorConfig.fromFlags(p));
    base = Instant.now().truncatedTo(ChronoUnit.MINUTES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (processor != null) {
      processor.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  // ------------------------------------------------------------------ input

  /** Minute m of the cluster: a poll of each agent every 10 s; A1 fails for 30 s in minute 1. */
  private static void produceMinute(int m) {
    CollectorRef collector = new CollectorRef("c-bi", "0/1", AGENTS.size(), 0, 0);
    List<Map.Entry<String, MetricSnapshot>> snapshots = new ArrayList<>();
    for (int s = 0; s < 60; s += 10) {
      Instant at = base.plusSeconds(60L * m + s);
      for (int i = 0; i < AGENTS.size(); i++) {
        String id = AGENTS.get(i);
        boolean failing = id.equals(SICK) && m == 1 && s >= 10 && s < 40;
        MetricSnapshot.Builder b =
            MetricSnapshot.newBuilder()
                .setNode(
                    new NodeRef(
                        CLUSTER, NodeRole.AGENT, id, id.toLowerCase(), "10.2.0." + i + ":5051"))
                .setPolledAt(at)
                .setDurationMs(4)
                .setCollector(collector);
        if (failing) {
          b.setOutcome(Outcome.UNREACHABLE).setError("connection refused");
        } else {
          b.setOutcome(Outcome.OK)
              .setMetrics(
                  Map.of(
                      "mesos.stats.registered", 1.0,
                      "mesos.slave.tasks_running", (double) i,
                      "mesos.slave.cpus_percent", 0.25));
        }
        snapshots.add(Map.entry(id, b.build()));
      }
    }
    kafka.produce(Topics.METRIC_SNAPSHOTS, snapshots);
    List<Map.Entry<String, AgentInventory>> inventory = new ArrayList<>();
    for (String id : AGENTS) {
      AgentInventory a = SampleEvents.agentInventory(id);
      a.setCluster(CLUSTER);
      a.setObservedAt(base.plusSeconds(60L * m + 45));
      inventory.add(Map.entry(id, a));
    }
    kafka.produce(Topics.AGENT_INVENTORY, inventory);
  }

  // ------------------------------------------------------------------ feeds and tables

  /** A feed as the facts it states: primary key -> row, the latest row per key. */
  private static Map<String, Struct> facts(Topic<String, Struct> feed, List<String> key) {
    List<ConsumerRecord<String, Struct>> records = kafka.readAll(feed);
    Map<String, Struct> out = new TreeMap<>();
    for (ConsumerRecord<String, Struct> r : records) {
      out.put(pk(r.value(), key), r.value());
    }
    return out;
  }

  private static String pk(Struct row, List<String> key) {
    StringBuilder b = new StringBuilder();
    for (String k : key) {
      Object v = row.get(k);
      b.append(v instanceof java.util.Date d ? d.toInstant().toString() : String.valueOf(v))
          .append('|');
    }
    return b.toString();
  }

  /** A table as primary key -> the given columns, as text. */
  private static Map<String, Map<String, String>> table(
      String table, List<String> key, List<String> columns) throws SQLException {
    Map<String, Map<String, String>> out = new TreeMap<>();
    try (Connection c = db();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
      while (rs.next()) {
        Map<String, String> row = new HashMap<>();
        for (String col : columns) {
          row.put(col, String.valueOf(rs.getObject(col)));
        }
        out.put(rowKey(rs, key), row);
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) { // the sink has not created the table yet
        return Map.of();
      }
      throw e;
    }
    return out;
  }

  /** A row's primary key, written as {@link #pk} writes a feed record's. */
  private static String rowKey(ResultSet rs, List<String> key) throws SQLException {
    StringBuilder k = new StringBuilder();
    for (String col : key) {
      Object v = rs.getObject(col);
      k.append(v instanceof java.sql.Timestamp ts ? ts.toInstant().toString() : v).append('|');
    }
    return k.toString();
  }

  private static Map<String, Map<String, String>> expected(
      Map<String, Struct> facts, List<String> columns) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    facts.forEach(
        (k, row) -> {
          Map<String, String> values = new HashMap<>();
          for (String col : columns) {
            values.put(col, String.valueOf(row.get(col)));
          }
          out.put(k, values);
        });
    return out;
  }

  private static long count(String table) throws SQLException {
    try (Connection c = db();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection db() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
  }

  private static final List<String> NODE_KEY = List.of("node_id", "minute");
  private static final List<String> NODE_COLUMNS =
      List.of(
          "cluster",
          "worst_state",
          "last_state",
          "evaluations",
          "failed_polls",
          "minutes_healthy",
          "minutes_unreachable",
          "rule_hits",
          "mesos_slave_cpus_percent");
  private static final List<String> CAPACITY_KEY = List.of("group_id", "minute");
  private static final List<String> CAPACITY_COLUMNS =
      List.of("group_kind", "agents", "cpus_total", "cpus_used", "mem_free", "placeable_small");
  private static final List<String> TRANSITION_KEY = List.of("node_id", "at");
  private static final List<String> TRANSITION_COLUMNS =
      List.of("role", "from_state", "to_state", "rules", "reasons");

  /** Waits until the three tables hold exactly the facts of the three feeds. */
  private static void awaitTablesEqualFeeds() {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(table("node_health_minutely", NODE_KEY, NODE_COLUMNS))
                  .isEqualTo(
                      expected(facts(Topics.BI_NODE_HEALTH_MINUTELY, NODE_KEY), NODE_COLUMNS));
              assertThat(table("capacity_minutely", CAPACITY_KEY, CAPACITY_COLUMNS))
                  .isEqualTo(
                      expected(facts(Topics.BI_CAPACITY_MINUTELY, CAPACITY_KEY), CAPACITY_COLUMNS));
              assertThat(table("health_transitions", TRANSITION_KEY, TRANSITION_COLUMNS))
                  .isEqualTo(
                      expected(facts(Topics.BI_TRANSITIONS, TRANSITION_KEY), TRANSITION_COLUMNS));
            });
  }

  /** Waits until the processor has committed every record of the topic produced so far. */
  private static void awaitProcessorConsumed(Topic<?, ?> topic) {
    kafka.awaitCommitted("bi-it", topic.name(), Duration.ofMinutes(1));
  }

  /**
   * Waits until the cluster group's open window counts every agent: the processor sums capacity per
   * partition and forwards the sums once a second, after it has taken the inventory in.
   */
  private static void awaitCapacityOfEveryAgent() {
    HttpClient http = HttpClient.newHttpClient();
    Pattern all = Pattern.compile("\"agents\"\\s*:\\s*" + AGENTS.size() + "\\b");
    await("the cluster group's open window counts every agent")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create(processor.apiUrl() + "/v1/capacity/" + CLUSTER))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              return r.statusCode() == 200 && all.matcher(r.body()).find();
            });
  }

  /** Waits until the sinks' consumer groups have read every feed record produced so far. */
  private static void awaitSinksCaughtUp() {
    for (String file : BiSinkMain.CONNECTOR_FILES) {
      BiSinkMain.ConnectorSpec spec = BiSinkMain.shipped(file);
      kafka.awaitCommitted(
          "connect-" + spec.name(), spec.config().get("topics"), Duration.ofMinutes(1));
    }
  }

  private static BiSinkConfig sinkConfig(Path offsets) throws Exception {
    int port = EmbeddedKafkaBroker.freePort();
    Map<String, String> f = new HashMap<>();
    f.putAll(SECURE.serviceSettings(SaslSslListener.PASSWORD));
    f.put("jdbc.url", postgres.jdbcUrl());
    f.put("jdbc.user", postgres.user());
    f.put("connect.plugin.path", Path.of("target/connect-plugins").toAbsolutePath().toString());
    f.put("connect.offsets.file", offsets.toString());
    f.put("connect.rest.port", Integer.toString(port));
    return BiSinkConfig.fromFlags(f);
  }

  /** docs/bi-tables.md's example queries run against the tables (names and types as documented). */
  private static void readmeQueriesRun() throws Exception {
    String readme = Files.readString(Path.of("../docs/bi-tables.md"));
    java.util.regex.Matcher block =
        Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("a sql block in docs/bi-tables.md").isTrue();
    List<String> queries =
        java.util.Arrays.stream(block.group(1).split(";"))
            .map(q -> q.replaceAll("(?m)^--.*$", "").trim())
            .filter(q -> !q.isEmpty())
            .toList();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(3);
    try (Connection c = db();
        Statement st = c.createStatement()) {
      for (String q : queries) {
        try (ResultSet rs = st.executeQuery(q)) {
          rs.next();
        } catch (SQLException e) {
          throw new AssertionError(
              "docs/bi-tables.md query failed: " + e.getMessage() + "\n" + q, e);
        }
      }
      try (ResultSet rs = st.executeQuery(queries.get(0))) {
        assertThat(rs.next()).as("the week's sick agents include A1").isTrue();
        assertThat(rs.getString("node_id")).isEqualTo(SICK);
      }
    }
  }

  // ------------------------------------------------------------------ the test

  @Test
  void tablesHoldTheFeedsFactsThroughReplayAndRestart() throws Exception {
    // The first capacity window closes when a later inventory of its group arrives. Agents' first
    // inventories come from different partitions, so a backlog could close it before all are
    // seen (see docs/services.md on capacity): let minute 0 be taken in, and summed, first.
    produceMinute(0);
    awaitProcessorConsumed(Topics.AGENT_INVENTORY);
    awaitCapacityOfEveryAgent();
    produceMinute(1);
    produceMinute(2);
    // minutes 0 and 1 of every agent are closed by minute 2's polls; A1's outage is a transition
    kafka.consumeUntil(
        Topics.BI_NODE_HEALTH_MINUTELY,
        r -> r.size() >= 2 * AGENTS.size(),
        Duration.ofMinutes(1),
        "minutes 0 and 1 of each agent");
    kafka.consumeUntil(
        Topics.BI_CAPACITY_MINUTELY, r -> !r.isEmpty(), Duration.ofMinutes(1), "capacity rows");
    Path offsets = TempDirs.create("bi-sink-").resolve("connect.offsets");

    try (BiSinkMain sink = BiSinkMain.start(sinkConfig(offsets))) {
      await().atMost(Duration.ofMinutes(1)).until(sink::running);
      awaitTablesEqualFeeds();

      // the facts themselves, not only equality with the feed
      Map<String, Map<String, String>> minutes =
          table("node_health_minutely", NODE_KEY, NODE_COLUMNS);
      Map<String, String> sick = minutes.get(SICK + "|" + base.plusSeconds(60) + "|");
      assertThat(sick).as("A1's minute 1").isNotNull();
      assertThat(sick.get("worst_state")).isEqualTo("UNREACHABLE");
      assertThat(sick.get("failed_polls")).isEqualTo("3");
      assertThat(Double.parseDouble(sick.get("minutes_unreachable"))).isPositive();
      assertThat(minutes.get("A0|" + base + "|").get("minutes_healthy")).isEqualTo("1.0");
      assertThat(table("health_transitions", TRANSITION_KEY, TRANSITION_COLUMNS).values())
          .anySatisfy(
              t -> {
                assertThat(t.get("from_state")).isEqualTo("HEALTHY");
                assertThat(t.get("to_state")).isEqualTo("UNREACHABLE");
                assertThat(t.get("reasons")).contains("poll.failed");
              });
      Map<String, String> cluster =
          table("capacity_minutely", CAPACITY_KEY, CAPACITY_COLUMNS).get("bi|" + base + "|");
      assertThat(cluster).as("the cluster group's minute 0").isNotNull();
      assertThat(Double.parseDouble(cluster.get("cpus_total"))).isEqualTo(3 * 8.0);

      readmeQueriesRun();

      // a replay of every feed record writes no new row
      long nodeRows = count("node_health_minutely");
      long capacityRows = count("capacity_minutely");
      long transitionRows = count("health_transitions");
      for (Topic<String, Struct> feed :
          List.of(
              Topics.BI_NODE_HEALTH_MINUTELY, Topics.BI_CAPACITY_MINUTELY, Topics.BI_TRANSITIONS)) {
        List<Map.Entry<String, Struct>> again =
            kafka.readAll(feed).stream().map(r -> Map.entry(r.key(), r.value())).toList();
        kafka.produce(feed, again);
      }
      awaitSinksCaughtUp();
      assertThat(count("node_health_minutely")).isEqualTo(nodeRows);
      assertThat(count("capacity_minutely")).isEqualTo(capacityRows);
      assertThat(count("health_transitions")).isEqualTo(transitionRows);
      awaitTablesEqualFeeds();
    }

    // stopped: new facts arrive meanwhile; a restarted sink resumes where it stopped, without loss,
    // and writes only what is new: upserts hide a sink that starts over, so the rows' own
    // transaction ids say which rows the restarted sink wrote
    long before = count("node_health_minutely");
    Map<Integer, Long> endAtStop = new HashMap<>();
    for (ConsumerRecord<String, Struct> r : kafka.readAll(Topics.BI_NODE_HEALTH_MINUTELY)) {
      endAtStop.merge(r.partition(), r.offset() + 1, Math::max);
    }
    long stoppedAt = transactionId();
    produceMinute(3);
    kafka.consumeUntil(
        Topics.BI_NODE_HEALTH_MINUTELY,
        r ->
            r.stream()
                .anyMatch(
                    x ->
                        x.value().get("minute").equals(java.util.Date.from(base.plusSeconds(120)))),
        Duration.ofMinutes(1),
        "minute 2 rows");
    try (BiSinkMain sink = BiSinkMain.start(sinkConfig(offsets))) {
      await().atMost(Duration.ofMinutes(1)).until(sink::running);
      awaitTablesEqualFeeds();
      assertThat(count("node_health_minutely")).isGreaterThanOrEqualTo(before + AGENTS.size());
      await("the restarted sink wrote the facts that came while it was stopped, and only those")
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () -> {
                Set<String> arrived = new TreeSet<>();
                for (ConsumerRecord<String, Struct> r :
                    kafka.readAll(Topics.BI_NODE_HEALTH_MINUTELY)) {
                  if (r.offset() >= endAtStop.getOrDefault(r.partition(), 0L)) {
                    arrived.add(pk(r.value(), NODE_KEY));
                  }
                }
                assertThat(arrived).hasSizeGreaterThanOrEqualTo(AGENTS.size());
                assertThat(writtenSince("node_health_minutely", NODE_KEY, stoppedAt))
                    .isEqualTo(arrived);
              });
    }
  }

  private static long transactionId() throws SQLException {
    try (Connection c = db();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT txid_current()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The primary keys of the rows last written by a transaction after {@code txid}. */
  private static Set<String> writtenSince(String table, List<String> key, long txid)
      throws SQLException {
    Set<String> out = new TreeSet<>();
    try (Connection c = db();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT * FROM " + table + " WHERE xmin::text::bigint > " + txid)) {
      while (rs.next()) {
        out.add(rowKey(rs, key));
      }
    }
    return out;
  }
}
