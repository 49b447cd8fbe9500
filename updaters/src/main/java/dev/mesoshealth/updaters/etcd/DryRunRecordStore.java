package dev.mesoshealth.updaters.etcd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd read for real but never written: each write is logged as what would be done. It takes no
 * lease, so it compares values only.
 */
public final class DryRunRecordStore implements RecordStore {
  private static final Logger log = LoggerFactory.getLogger(DryRunRecordStore.class);

  private final RecordStore real;

  public DryRunRecordStore(RecordStore real) {
    this.real = real;
  }

  @Override
  public String name() {
    return real.name();
  }

  @Override
  public boolean prepare() {
    return false;
  }

  @Override
  public Held read(String prefix) throws Exception {
    return new Held(real.read(prefix).records(), java.util.Set.of());
  }

  @Override
  public void write(Records.Diff diff) {
    diff.puts().forEach((k, v) -> log.info("{}: dry run: would put {} = {}", name(), k, v));
    diff.deletes().forEach(k -> log.info("{}: dry run: would delete {}", name(), k));
  }

  @Override
  public void close() {
    real.close();
  }
}
