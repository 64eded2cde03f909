package dev.roundtrip.transport.realserver;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.roundtrip.transport.testing.TestCertificates;

/**
 * An nginx started from a test: the machine's own binary, if it has one (it is never
 * installed from here; CI's {@code .ci/run} installs Debian's {@code nginx-light}), run
 * in the foreground ({@code daemon off}) with the repository's {@code nginx.conf} (a
 * template beside this class, in the test resources) filled in, in a temporary directory
 * that also holds its pid file, logs, temp paths, a certificate made at test time and the
 * files it serves. Listens on {@code 127.0.0.1} only, on a plain port and a TLS one.
 *
 * <p>
 * Locations:
 * <ul>
 * <li>{@code /}: {@code return 200 "Hello, world!"}.</li>
 * <li>{@code /rotate/}: the same, with {@code keepalive_requests 3}: every third response
 * on a connection says {@code Connection: close}.</li>
 * <li>{@code /static/}: files from <code>&lt;dir&gt;/www/static</code>, with
 * {@code gzip on} for {@code .txt}.</li>
 * <li>{@code /bytes/}, {@code /text/} (gzipped), {@code /etag}: files from
 * <code>&lt;dir&gt;/www</code>; {@code /status/204}: a {@code return 204}.</li>
 * <li>{@link RecordingApplication}'s other routes: proxied to the backend, if any.</li>
 * </ul>
 */
public final class NginxServer implements AutoCloseable {

	/** The body of {@code /} and {@code /rotate/}. */
	public static final String HELLO = "Hello, world!";

	/** Names the nginx binary to use, or {@code none}; see {@link #findBinary()}. */
	public static final String BINARY_PROPERTY = "roundtrip.test.nginx";

	private static final Duration STARTUP = Duration.ofSeconds(10);

	private static final Duration SHUTDOWN = Duration.ofSeconds(10);

	private final Process master;

	private final Path dir;

	private final int port;

	private final int tlsPort;

	private final String version;

	/**
	 * Stops nginx should the JVM exit without {@link #close()} (a test run cut short).
	 */
	private final Thread stopOnExit;

	private NginxServer(Process master, Path dir, int port, int tlsPort, String version) {
		this.version = version;
		this.master = master;
		this.dir = dir;
		this.port = port;
		this.tlsPort = tlsPort;
		this.stopOnExit = new Thread(master::destroy, "stop nginx " + master.pid());
		Runtime.getRuntime().addShutdownHook(this.stopOnExit);
	}

	/**
	 * The nginx binary: {@code /usr/sbin/nginx}, else the first {@code nginx} on
	 * {@code PATH}. The system property {@value #BINARY_PROPERTY} overrides the search: a
	 * path to use that binary, or {@code none} to act as if there were no nginx (to see
	 * the tests skip).
	 */
	public static Optional<Path> findBinary() {
		String chosen = System.getProperty(BINARY_PROPERTY, "");
		if (chosen.equals("none")) {
			return Optional.empty();
		}
		if (!chosen.isEmpty()) {
			return Optional.of(Path.of(chosen));
		}
		List<Path> candidates = new ArrayList<>();
		candidates.add(Path.of("/usr/sbin/nginx"));
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				if (!entry.isEmpty()) {
					candidates.add(Path.of(entry, "nginx"));
				}
			}
		}
		return candidates.stream()
			.filter((candidate) -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
			.findFirst();
	}

	/**
	 * Starts {@code binary} serving {@code staticFiles} (name → content) under
	 * {@code /static/}, with no backend, and returns once it accepts connections.
	 */
	public static NginxServer start(Path binary, Map<String, byte[]> staticFiles) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		staticFiles.forEach((name, content) -> files.put("static/" + name, content));
		return start(binary, new Settings(files, 0, Duration.ofSeconds(60)));
	}

	/**
	 * Starts {@code binary} with {@code settings}, and returns once it accepts
	 * connections. Tries a few free ports, in case another process takes the one picked
	 * first.
	 */
	public static NginxServer start(Path binary, Settings settings) throws IOException {
		Path dir = Files.createTempDirectory("roundtrip-nginx");
		try {
			Path www = Files.createDirectories(dir.resolve("www"));
			for (var file : settings.files().entrySet()) {
				Path path = www.resolve(file.getKey());
				Files.createDirectories(path.getParent());
				Files.write(path, file.getValue());
			}
			Files.createDirectories(dir.resolve("logs"));
			Files.createDirectories(dir.resolve("temp"));
			Path tls = Files.createDirectories(dir.resolve("tls"));
			TestCertificates.writePem(TestCertificates.loopback(), tls.resolve("certificate.pem"),
					tls.resolve("key.pem"));
			String modules = buildOptions(binary);
			IOException last = null;
			for (int attempt = 1; attempt <= 3; attempt++) {
				int port = freePort();
				int tlsPort = freePort();
				Files.writeString(dir.resolve("nginx.conf"), config(dir, port, tlsPort, modules, settings));
				Process master = new ProcessBuilder(binary.toString(), "-p", dir + "/", "-c",
						dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
					.redirectErrorStream(true)
					.redirectOutput(dir.resolve("logs/console.log").toFile())
					.start();
				try {
					awaitListening(master, dir, port);
					awaitListening(master, dir, tlsPort);
					return new NginxServer(master, dir, port, tlsPort, version(modules));
				}
				catch (IOException ex) {
					stop(master);
					last = ex;
				}
			}
			throw last;
		}
		catch (IOException | RuntimeException ex) {
			EmbeddedTomcat.deleteRecursively(dir);
			throw ex;
		}
	}

	/** {@code http://127.0.0.1:<port><path>}. */
	public URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * {@code https://127.0.0.1:<tls port><path>}, served with
	 * {@link TestCertificates#loopback()}.
	 */
	public URI httpsUri(String path) {
		return URI.create("https://127.0.0.1:" + this.tlsPort + path);
	}

	/** The version nginx reports, such as {@code 1.22.1}. */
	public String version() {
		return this.version;
	}

	private static String version(String buildOptions) {
		Matcher matcher = Pattern.compile("nginx/(\\S+)").matcher(buildOptions);
		return matcher.find() ? matcher.group(1) : "(unknown version)";
	}

	/** The master process's pid, as nginx wrote it to its pid file. */
	public long masterPid() throws IOException {
		return Long.parseLong(Files.readString(this.dir.resolve("nginx.pid")).trim());
	}

	/**
	 * Stops nginx (SIGTERM to the master, which stops its workers) and deletes its
	 * directory.
	 */
	@Override
	public void close() throws IOException {
		try {
			Runtime.getRuntime().removeShutdownHook(this.stopOnExit);
			stop(this.master);
		}
		finally {
			EmbeddedTomcat.deleteRecursively(this.dir);
		}
	}

	private static void stop(Process master) throws IOException {
		List<ProcessHandle> workers = master.descendants().toList();
		master.destroy();
		try {
			if (!master.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)) {
				master.destroyForcibly();
				workers.forEach(ProcessHandle::destroyForcibly);
				throw new IOException("nginx (pid " + master.pid() + ") did not stop within " + SHUTDOWN.toSeconds()
						+ " s of SIGTERM; killed");
			}
			for (ProcessHandle worker : workers) {
				try {
					worker.onExit().get(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (ExecutionException | TimeoutException ex) {
					worker.destroyForcibly();
					throw new IOException("nginx worker (pid " + worker.pid() + ") outlived its master; killed", ex);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			master.destroyForcibly();
			throw new IOException("Interrupted while stopping nginx", ex);
		}
	}

	private static void awaitListening(Process master, Path dir, int port) throws IOException {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (true) {
			if (!master.isAlive()) {
				throw new IOException(
						"nginx exited with " + master.exitValue() + " on port " + port + ": " + logs(dir));
			}
			if (Files.exists(dir.resolve("nginx.pid")) && accepts(port)) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IOException("nginx did not accept connections on 127.0.0.1:" + port + " within "
						+ STARTUP.toSeconds() + " s: " + logs(dir));
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String logs(Path dir) {
		StringBuilder logs = new StringBuilder();
		for (String name : List.of("logs/console.log", "logs/error.log")) {
			try {
				logs.append("\n--- ").append(name).append(" ---\n").append(Files.readString(dir.resolve(name)));
			}
			catch (IOException ex) {
				logs.append("\n--- ").append(name).append(": ").append(ex.getMessage());
			}
		}
		return logs.toString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * What {@code nginx -V} says it was built with, to leave out the temp paths of
	 * modules it lacks.
	 */
	private static String buildOptions(Path binary) throws IOException {
		Process process = new ProcessBuilder(binary.toString(), "-V").redirectErrorStream(true).start();
		try {
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IOException(binary + " -V did not finish");
			}
			return new String(output, StandardCharsets.UTF_8);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IOException("Interrupted while running " + binary + " -V", ex);
		}
	}

	/** The repository's {@code nginx.conf} template, filled in. */
	private static String config(Path dir, int port, int tlsPort, String buildOptions, Settings settings)
			throws IOException {
		StringBuilder temp = new StringBuilder();
		temp.append("  client_body_temp_path ").append(dir.resolve("temp/body")).append(";\n");
		for (String module : List.of("proxy", "fastcgi", "uwsgi", "scgi")) {
			if (!buildOptions.contains("--without-http_" + module + "_module")) {
				temp.append("  ")
					.append(module)
					.append("_temp_path ")
					.append(dir.resolve("temp/" + module))
					.append(";\n");
			}
		}
		String app = (settings.backendPort() > 0) ? """
				      proxy_pass http://127.0.0.1:%d;
				      proxy_http_version 1.1;
				      proxy_set_header X-Client-Connection "[$connection]";
				      proxy_set_header X-Client-Content-Length "[$http_content_length]";
				      proxy_set_header X-Client-Transfer-Encoding "[$http_transfer_encoding]";
				      proxy_set_header X-Client-Expect "[$http_expect]";
				""".formatted(settings.backendPort()) : "      return 503;\n";
		String template;
		try (InputStream in = NginxServer.class.getResourceAsStream("nginx.conf")) {
			if (in == null) {
				throw new IOException("No nginx.conf beside " + NginxServer.class.getName());
			}
			template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		// As root the workers would run as nobody, who may not read a private temp
		// directory.
		String user = "root".equals(System.getProperty("user.name")) ? "user root;" : "";
		// Comment lines first: they name the place-holders.
		return template.replaceAll("(?m)^\\s*#.*\\n", "")
			.replace("@user@", user)
			.replace("@dir@", dir.toString())
			.replace("@temp_paths@", temp)
			.replace("@port@", String.valueOf(port))
			.replace("@tls_port@", String.valueOf(tlsPort))
			.replace("@keepalive_timeout@", settings.keepaliveTimeout().toMillis() + "ms")
			.replace("@hello@", HELLO)
			.replace("@app@", app);
	}

	/**
	 * What an nginx serves: {@code files} (path under its root → content),
	 * {@code backendPort} (where {@link RecordingApplication}'s routes are proxied, 0 for
	 * none) and its {@code keepalive_timeout}.
	 */
	public record Settings(Map<String, byte[]> files, int backendPort, Duration keepaliveTimeout) {
	}

}
