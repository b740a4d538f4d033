package org.momentumrnn4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, as built by Maven. */
public final class Version {
    /** The version string, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} outside a Maven build. */
    public static final String LIBRARY = read();

    private Version() {}

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
