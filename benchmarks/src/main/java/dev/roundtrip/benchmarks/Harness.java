package dev.roundtrip.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the comparison: for each JDK and round, one JVM per client (the order rotating
 * between rounds, so no client always runs first or last), each running the same list of
 * tasks against the same nginx; {@code wrk} once per round as the native ceiling. Writes
 * the medians to {@code results.md}, a chart per JDK, and every round's figures to
 * {@code raw.tsv}.
 *
 * <p>
 * Started by {@code benchmarks/run}, which sets up nginx and passes its addresses; see
 * {@link #main} for the options.
 */
public final class Harness {

	static final List<String> THROUGHPUT_TASKS = List.of("get13@1", "get13@4", "get13@64", "get4k@4", "get1m@4",
			"chunked4k@4", "post4k@4", "post1m@4", "https13@4");

	static final List<String> SHORT_TASKS = List.of("get13@1", "get13@4", "get13@64");

	static final List<String> LATENCY_CLIENTS = List.of("roundtrip", "apache");

	static final String LATENCY_TASK = "latency:get13@16";

	/** The same load for every client: below what each of them reaches on 2 cores. */
	static final String SAME_RATE_LATENCY_TASK = "latency10000:get13@16";

	static final String VIRTUAL_TASK = "get13@1000v";

	final Map<String, String> options;

	final List<Measurement> measurements = new ArrayList<>();

	final List<String> otherOutput = new ArrayList<>();

	final List<String> problems = new ArrayList<>();

	/**
	 * The machine's 1-minute load average before and after the run, where Linux tells it.
	 */
	String loadBefore;

	String loadAfter;

	private final Path logs;

	private Harness(Map<String, String> options) throws IOException {
		this.options = options;
		this.logs = Files.createTempDirectory("roundtrip-bench-logs");
	}

	/**
	 * Options, each {@code --name=value}: {@code http}, {@code https}, {@code cert}
	 * (nginx's addresses and certificate), {@code classpath}, {@code out}, {@code jdks}
	 * (comma-separated JDK homes, the first is the one every shape runs on),
	 * {@code rounds}, {@code seconds}, {@code warmup}, {@code first-warmup},
	 * {@code latency-seconds}, {@code clients}, {@code wrk} (its path, or empty),
	 * {@code all-shapes-every-jdk}, {@code command} (shown in the results).
	 * @param args the options
	 * @throws Exception when the run cannot be completed
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			options.put(arg.substring(2, eq), arg.substring(eq + 1));
		}
		Harness harness = new Harness(options);
		Instant started = Instant.now();
		harness.loadBefore = loadAverage();
		harness.run();
		harness.loadAfter = loadAverage();
		Duration took = Duration.between(started, Instant.now());
		Path out = Path.of(options.get("out"));
		Files.createDirectories(out);
		new Report(harness, took).write(out);
		System.out.println("results in " + out.toAbsolutePath() + " after " + took.toSeconds() + " s");
	}

	int rounds() {
		return Integer.parseInt(this.options.getOrDefault("rounds", "3"));
	}

	List<String> clients() {
		return List.of(this.options.getOrDefault("clients", String.join(",", Clients.NAMES)).split(","));
	}

	private void run() throws Exception {
		List<String> jdks = List.of(this.options.get("jdks").split(","));
		boolean allShapes = Boolean.parseBoolean(this.options.getOrDefault("all-shapes-every-jdk", "false"));
		for (int j = 0; j < jdks.size(); j++) {
			Path home = Path.of(jdks.get(j));
			int feature = featureVersion(home);
			List<String> tasks = (j == 0 || allShapes) ? THROUGHPUT_TASKS : SHORT_TASKS;
			List<String> clients = clients();
			for (int round = 0; round < rounds(); round++) {
				for (int c = 0; c < clients.size(); c++) {
					String client = clients.get((c + round) % clients.size());
					List<String> clientTasks = new ArrayList<>(tasks);
					if (j == 0 && LATENCY_CLIENTS.contains(client)) {
						clientTasks.add(LATENCY_TASK);
						clientTasks.add(SAME_RATE_LATENCY_TASK);
					}
					if (feature >= 21 && client.equals("roundtrip")) {
						clientTasks.add(VIRTUAL_TASK);
					}
					fork(home, feature, client, round, clientTasks);
				}
				if (j == 0) {
					wrk(feature, round);
				}
			}
		}
	}

	private void fork(Path home, int feature, String client, int round, List<String> tasks) throws Exception {
		List<String> command = new ArrayList<>(List.of(home.resolve("bin/java").toString(), "-Xms1g", "-Xmx1g",
				// Prints pinned virtual threads on JDK 21-23; JDK 24+ ignores it (JFR is
				// read too).
				"-Djdk.tracePinnedThreads=full", "-cp", this.options.get("classpath"), Worker.class.getName()));
		command.add("client=" + client);
		command.add("tasks=" + String.join(",", tasks));
		for (String option : List.of("http", "https", "cert", "seconds", "warmup", "first-warmup", "latency-seconds")) {
			if (this.options.containsKey(option)) {
				command.add(option + "=" + this.options.get(option));
			}
		}
		System.out.printf("JDK %d round %d: %s (%s)%n", feature, round + 1, client, String.join(",", tasks));
		Path stderr = this.logs.resolve("jdk" + feature + "-" + client + "-" + round + ".err");
		Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
		long budget = (long) (tasks.size() * (seconds("first-warmup", 2) + seconds("seconds", 2) + seconds("warmup", 1)
				+ seconds("latency-seconds", 4)) + 120);
		Thread reader = new Thread(() -> read(process.getInputStream(), feature, client, round));
		reader.start();
		if (!process.waitFor(budget, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			this.problems
				.add("JDK " + feature + " " + client + " round " + (round + 1) + ": killed after " + budget + " s");
		}
		reader.join(TimeUnit.SECONDS.toMillis(10));
		if (process.exitValue() != 0) {
			String err = Files.readString(stderr);
			this.problems.add("JDK " + feature + " " + client + " round " + (round + 1) + ": exit "
					+ process.exitValue() + ": " + firstLines(err, 3));
			System.out.println(err);
		}
	}

	private void read(InputStream stdout, int feature, String client, int round) {
		try (BufferedReader in = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				if (line.startsWith("RESULT ")) {
					Measurement measurement = Measurement.parse(feature, client, round, line);
					synchronized (this.measurements) {
						this.measurements.add(measurement);
					}
					System.out.println("  " + line.substring(7));
				}
				else if (line.startsWith("INFO ")) {
					System.out.println("  " + line);
				}
				else {
					synchronized (this.otherOutput) {
						this.otherOutput.add("JDK " + feature + " " + client + ": " + line);
					}
				}
			}
		}
		catch (IOException ex) {
			this.problems.add("reading " + client + ": " + ex);
		}
	}

	/**
	 * wrk on the 13-byte GET; its CPU time is the shell's children's, from {@code times}.
	 */
	private void wrk(int feature, int round) throws Exception {
		String wrk = this.options.getOrDefault("wrk", "");
		if (wrk.isEmpty()) {
			return;
		}
		long seconds = Math.max(1, Math.round(seconds("seconds", 2)));
		URI uri = URI.create(this.options.get("http")).resolve("/13");
		for (int connections : new int[] { 1, 4, 64 }) {
			long before = accepts();
			String script = "'" + wrk + "' -t" + Math.min(2, connections) + " -c" + connections + " -d" + seconds + "s "
					+ uri + " && times";
			Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(seconds + 60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				this.problems.add("wrk -c" + connections + " failed: " + firstLines(output, 5));
				continue;
			}
			long conns = accepts() - before - 1;
			Matcher requests = Pattern.compile("(\\d+) requests in ([\\d.]+)(m?s)").matcher(output);
			Matcher times = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*$").matcher(output.trim());
			if (!requests.find() || !times.find()) {
				this.problems.add("wrk output not understood: " + firstLines(output, 8));
				continue;
			}
			double elapsed = Double.parseDouble(requests.group(2)) * (requests.group(3).equals("ms") ? 1e-3 : 1);
			double cpu = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
					+ Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
			String line = String.format(java.util.Locale.ROOT,
					"RESULT task=get13@%d nanos=%d requests=%s bytes=%d failures=0 cpu=%d alloc=NaN conns=%d",
					connections, (long) (elapsed * 1e9), requests.group(1), Long.parseLong(requests.group(1)) * 13,
					(long) (cpu * 1e9), conns);
			this.measurements.add(Measurement.parse(feature, "wrk", round, line));
			System.out.println("  wrk " + line.substring(7));
		}
	}

	private long accepts() throws IOException {
		URI uri = URI.create(this.options.get("http"));
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			OutputStream out = socket.getOutputStream();
			out.write("GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
				.getBytes(StandardCharsets.ISO_8859_1));
			String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			Matcher m = Pattern.compile("requests\\s+(\\d+)").matcher(text);
			if (!m.find()) {
				throw new IOException("no stub_status counters in: " + text);
			}
			return Long.parseLong(m.group(1));
		}
	}

	private double seconds(String option, double fallback) {
		return Double.parseDouble(this.options.getOrDefault(option, Double.toString(fallback)));
	}

	static int featureVersion(Path home) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(home.resolve("bin/java").toString(), "-XshowSettings:properties",
				"-version")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor(60, TimeUnit.SECONDS);
		Matcher m = Pattern.compile("java\\.specification\\.version = (\\d+)").matcher(output);
		if (!m.find()) {
			throw new IOException("not a JDK: " + home);
		}
		return Integer.parseInt(m.group(1));
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static String firstLines(String text, int lines) {
		return String.join(" | ", text.lines().limit(lines).toList());
	}

}
