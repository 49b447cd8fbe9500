package dev.mesoshealth.updaters.etcd;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** etcd in memory for unit tests: records, a lease that can be lost, and writes that can fail. */
final class InMemoryRecordStore implements RecordStore {
  final Map<String, String> records = new TreeMap<>();
  final Set<String> notOurs = new HashSet<>();
  int writes;
  private boolean leaseLost = true;
  private boolean away;

  void loseLease() {
    leaseLost = true;
  }

  void away(boolean away) {
    this.away = away;
  }

  @Override
  public String name() {
    return "etcd in memory";
  }

  @Override
  public boolean prepare() {
    boolean lost = leaseLost;
    leaseLost = false;
    return lost;
  }

  @Override
  public Held read(String prefix) {
    check();
    Map<String, String> under = new TreeMap<>();
    records.forEach(
        (k, v) -> {
          if (k.startsWith(prefix + "/")) {
            under.put(k, v);
          }
        });
    return new Held(under, Set.copyOf(notOurs));
  }

  @Override
  public void write(Records.Diff diff) {
    check();
    writes++;
    records.putAll(diff.puts());
    notOurs.removeAll(diff.puts().keySet());
    diff.deletes().forEach(records::remove);
  }

  private void check() {
    if (away) {
      throw new IllegalStateException("etcd is away");
    }
  }

  @Override
  public void close() {}
}
