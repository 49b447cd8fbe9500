package dev.mesoshealth.testkit;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from Debian's {@code postgresql} package: a fresh data directory in
 * /tmp, a free port on 127.0.0.1, trust authentication for the {@code postgres} user. PostgreSQL
 * refuses to run as root, so under root it runs as the package's {@code postgres} user.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private final Process server;
  private final Path dataDir;
  private final int port;

  private EmbeddedPostgres(Process server, Path dataDir, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.port = port;
  }

  public static EmbeddedPostgres start() throws Exception {
    Path bin = binDir();
    Path dir = Files.createTempDirectory("mesos-health-pg-");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    Path data = dir.resolve("data");
    run(
        root,
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync"));
    int port = EmbeddedKafkaBroker.freePort();
    List<String> cmd =
        asUser(
            root,
            List.of(
                bin.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-k",
                dir.toString(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off"));
    Process server =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("postgres.log").toFile())
            .start();
    EmbeddedPostgres pg = new EmbeddedPostgres(server, dir, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!pg.accepting(bin)) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        String log = Files.readString(dir.resolve("postgres.log"));
        pg.close();
        throw new IllegalStateException("postgres did not start on port " + port + ":\n" + log);
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling pg_isready until the server accepts
    }
    return pg;
  }

  /** The JDBC URL of the {@code postgres} database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return "postgres";
  }

  public int port() {
    return port;
  }

  private boolean accepting(Path bin) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                bin.resolve("pg_isready").toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-q")
            .redirectErrorStream(true)
            .start();
    return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static Path binDir() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        Path newest =
            versions
                .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                .max(Comparator.comparing(v -> v.getFileName().toString()))
                .orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    return Prerequisites.executable("postgresql", "/usr/lib/postgresql/15/bin/postgres")
        .getParent();
  }

  private static List<String> asUser(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    // setpriv execs the server itself, so stopping this process stops postgres
    List<String> out =
        new ArrayList<>(
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    out.addAll(command);
    return out;
  }

  private static void run(boolean root, List<String> command)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(asUser(root, command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
  }

  /** Stops the server (fast shutdown: SIGINT) and deletes its data. */
  @Override
  public void close() throws IOException {
    try {
      if (server.isAlive()) {
        new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start().waitFor();
        if (!server.waitFor(15, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      server.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(dataDir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
