package dev.mesoshealth.processor.topology;

/** Every state store and internal topic name of the topology, in one place. */
public final class StoreNames {
  /** Node id -> NodeMemory (state, reasons, hysteresis, counters, inventory, minute so far). */
  public static final String NODE_HEALTH = "node-health";

  /**
   * Node id -> its latest snapshot with metrics, Avro-encoded as read (a cache rebuilt by the next
   * snapshot: no changelog).
   */
  public static final String NODE_SNAPSHOTS = "node-latest-snapshots";

  /** Node id, one-minute windows -> NodeMinute, each written once its minute is over. */
  public static final String NODE_MINUTES = "node-minutes";

  /** Cluster name -> ClusterMemory. */
  public static final String CLUSTER_HEALTH = "cluster-health";

  /** "cluster|node id" -> the node's state as the cluster counts it. */
  public static final String CLUSTER_MEMBERS = "cluster-members";

  /** Repartition of cluster signals by cluster name. */
  public static final String CLUSTER_SIGNALS = "cluster-signals";

  /** Repartition of capacity parts (a group's agents in one partition, summed) by group id. */
  public static final String CAPACITY_PART_UPDATES = "capacity-part-updates";

  /** "group|partition" -> that partition's part of the group, as it is now. */
  public static final String CAPACITY_GROUP_PARTS = "capacity-parts";

  /** "group|partition" -> the part as it stood when the group's open window ended. */
  public static final String CAPACITY_CLOSING_PARTS = "capacity-closing-parts";

  /** Group id -> start of its open window (epoch ms). */
  public static final String CAPACITY_OPEN_WINDOWS = "capacity-open-windows";

  /** Group id, one-minute windows -> the final CapacityTrend point, kept for the trends. */
  public static final String CAPACITY_MINUTES = "capacity-minutes";

  /** Cluster name -> the cluster totals the leader last reported. */
  public static final String CAPACITY_LEADER_TOTALS = "capacity-leader-totals";

  /** Repartition of tasks and agent states by agent id. */
  public static final String ENDPOINT_INPUTS = "endpoint-inputs";

  /** Task id -> the agent it runs on (to repartition its updates by agent). */
  public static final String ENDPOINT_TASK_AGENTS = "endpoint-task-agents";

  /** Agent id -> its health state, as the endpoints see it. */
  public static final String ENDPOINT_AGENTS = "endpoint-agents";

  /** Task id -> the task's endpoint and its health. */
  public static final String ENDPOINT_TASKS = "endpoint-tasks";

  private StoreNames() {}
}
