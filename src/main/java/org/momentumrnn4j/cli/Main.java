package org.momentumrnn4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code momentumrnn} command line. */
@Command(name = "momentumrnn", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "MomentumRNN4J: train, evaluate, benchmark and inspect MomentumRNN cells.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, BenchCommand.class,
                GradnormCommand.class, ReproduceCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof org.momentumrnn4j.io.ModelFormatException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Prints the library version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"MomentumRNN4J " + org.momentumrnn4j.Version.LIBRARY};
        }
    }
}
