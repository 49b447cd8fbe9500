package dev.mesoshealth.updaters.etcd;

import java.util.Map;
import java.util.Set;

/**
 * Where the etcd updater's records live: {@link EtcdRecordStore} for etcd itself, {@link
 * DryRunRecordStore} to read etcd but only say what would change.
 */
public interface RecordStore extends AutoCloseable {
  /** How logs name it. */
  String name();

  /**
   * Makes ready to write (takes a lease when it has none).
   *
   * @return true if records written earlier may be gone, so the next write must be compared with
   *     what the store holds rather than with what was last written
   */
  boolean prepare() throws Exception;

  /**
   * Everything under {@code prefix}, key to value, and which of those keys another writer holds.
   */
  Held read(String prefix) throws Exception;

  /** Writes and deletes, all or (on an exception) in part. */
  void write(Records.Diff diff) throws Exception;

  /** Stops; records written under a lease vanish now rather than after its TTL. */
  @Override
  void close();

  /**
   * What the store holds.
   *
   * @param notOurs keys written by someone else (another lease): rewritten under ours even when the
   *     value is the same
   */
  record Held(Map<String, String> records, Set<String> notOurs) {}
}
