package dev.mesoshealth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mesos-health} command: one subcommand per service, plus the demo. */
@Command(
    name = "mesos-health",
    mixinStandardHelpOptions = true,
    versionProvider = MesosHealthCli.Version.class,
    description = "Health pipeline for Apache Mesos / DC/OS clusters, built on Kafka.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DemoCommand.class,
      SimCommand.class,
      CollectorCommand.class,
      ProcessorCommand.class,
      ConsoleCommand.class,
      HaproxyUpdaterCommand.class,
      EtcdUpdaterCommand.class,
      AlerterCommand.class,
      BiSinkCommand.class,
      ConfigCommand.class
    })
public final class MesosHealthCli implements Runnable {

  public static void main(String[] args) {
    useTheCommonPoolOnSmallMachines();
    int code;
    try {
      code = run(args);
    } catch (Throwable e) {
      // never a bare stack trace as the only output; MESOS_HEALTH_DEBUG=1 shows it
      System.err.println("mesos-health: " + oneLine(e));
      if (System.getenv("MESOS_HEALTH_DEBUG") != null) {
        e.printStackTrace();
      }
      code = 1;
    }
    System.exit(code);
  }

  /**
   * With one or two cores the common pool has a parallelism of 1, and every asynchronous
   * CompletableFuture step (each HTTP response) gets a thread of its own (docs/design.md). Must run
   * before anything touches ForkJoinPool or CompletableFuture.
   */
  static void useTheCommonPoolOnSmallMachines() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(key, "2");
    }
  }

  /** Runs the command line and returns its exit code; errors are one line on stderr. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new MesosHealthCli());
    cli.setParameterExceptionHandler(
        (ex, rest) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage());
          cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          cmd.getErr().println(cmd.getCommandName() + ": " + oneLine(ex));
          if (System.getenv("MESOS_HEALTH_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.toString() : message.replace('\n', ' ');
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties props = new Properties();
      try (InputStream in =
          MesosHealthCli.class.getResourceAsStream("/mesos-health-version.properties")) {
        if (in != null) {
          props.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {
        "mesos-health " + props.getProperty("version", "unknown"),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
