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
  public static final String CAPACITY_PARTS = "capacity-part-updates";

  /** Repartition of tasks and agent states by agent id. */
  public static final String ENDPOINT_INPUTS = "endpoint-inputs";

  private StoreNames() {}
}
