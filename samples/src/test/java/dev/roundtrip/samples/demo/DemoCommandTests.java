package dev.roundtrip.samples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The demo as a command: started in a JVM of its own with
 * {@code --demo.exit-after-report=true}, it prints the table and exits 0.
 */
class DemoCommandTests {

	@Test
	void printsTheTableAndExitsWhenAskedTo() throws IOException, InterruptedException {
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		Path output = Files.createTempFile("roundtrip-demo", ".out");
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
						DemoApplication.class.getName(), "--server.port=0", "--demo.exit-after-report=true"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		try {
			if (!process.waitFor(180, TimeUnit.SECONDS)) {
				fail("The demo did not exit within 180s; its output:%n%s", Files.readString(output));
			}
			String printed = Files.readString(output, StandardCharsets.UTF_8);
			assertThat(process.exitValue()).as(printed).isZero();
			assertThat(cell(printed, "ka-read-close", 2)).isEqualTo("1");
			assertThat(cell(printed, "ka-read", 2)).isEqualTo("1");
			assertThat(cell(printed, "off-read-close", 2)).isEqualTo("6");
			assertThat(printed).contains("Actuator: http://127.0.0.1:");
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(output);
		}
	}

	/**
	 * A cell of the printed table: the row whose first cell is {@code name}, column
	 * {@code column} (0 = name).
	 */
	private static String cell(String printed, String name, int column) {
		for (String line : printed.split("\n")) {
			String[] cells = line.split("\\|");
			if (cells.length > column + 1 && cells[1].trim().equals(name)) {
				return cells[column + 1].trim();
			}
		}
		return fail("No row %s in:%n%s", name, printed);
	}

}
