package dev.mesoshealth.updaters;

import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.service.AdminServer;

/**
 * A running updater (HAProxy, etcd, the alerter): its topic feed, its reconcile loop, what it
 * writes to if that holds resources of its own, and its admin port, stopped in that order.
 *
 * @param target closed after the loop (the etcd lease is revoked there); null: nothing to close
 */
public record UpdaterRun(
    TopicFollower follower, ReconcileLoop loop, AutoCloseable target, AdminServer admin)
    implements AutoCloseable {

  public String adminUrl() {
    return admin.url();
  }

  @Override
  public void close() {
    loop.close();
    follower.close();
    if (target != null) {
      try {
        target.close();
      } catch (Exception e) {
        throw new IllegalStateException("stopping " + target + ": " + e.getMessage(), e);
      }
    }
    admin.close();
  }
}
