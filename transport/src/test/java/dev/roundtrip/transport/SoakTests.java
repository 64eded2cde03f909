package dev.roundtrip.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load with faults: 64 threads share one transport ({@code max-conns-per-host=16}) for
 * about a minute, each request chosen at random from {@link Kind}: healthy responses read
 * to the end, bodies closed early, calls canceled from another thread mid-response,
 * request and read timeouts that fire, servers that reset mid-body, close after the
 * headers, send 1 MiB or stall. Then the same over TLS for a shorter run.
 *
 * <p>
 * Checked throughout: the server never has more than 16 connections open at once
 * ({@link SoakServer} counts them, the kernel's table confirms), the pool never counts
 * more than 16 for the destination, no call outlives its deadline by more than
 * {@link #HANG_MARGIN} (a bound on a hang, not a timing measure). Checked for each
 * request: a successful body has the expected length and CRC-32; a failure is an
 * {@link IOException} with a message, of a kind the fault allows. Checked at the end:
 * nothing active, dialing or waiting in the pool, no connection left open at the server
 * once idle ones are closed, and as many open file descriptors as before the run.
 *
 * <p>
 * Longer runs: {@code -Droundtrip.soak.seconds=500 -Droundtrip.soak.tls-seconds=200}; the
 * random choices replay with {@code -Droundtrip.soak.seed=<seed printed>} (the threads'
 * interleaving does not).
 */
class SoakTests {

	static final int THREADS = 64;

	static final int MAX_CONNS_PER_HOST = 16;

	/** A call ending this much after its deadline is a hang. */
	static final Duration HANG_MARGIN = Duration.ofSeconds(2);

	/** The deadline of calls whose fault is not a timeout: generous, never reached. */
	static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration PLAIN_RUN = Duration.ofSeconds(Long.getLong("roundtrip.soak.seconds", 60));

	private static final Duration TLS_RUN = Duration.ofSeconds(Long.getLong("roundtrip.soak.tls-seconds", 15));

	private static final long SEED = Long.getLong("roundtrip.soak.seed", System.nanoTime());

	/** What one request does, and what the server does with it. */
	enum Kind {

		/** A healthy body of up to 64 KiB, read to EOF. */
		READ_TO_EOF,

		/** A POST of up to 16 KiB, echoed and read to EOF. */
		POST_ECHO,

		/** Up to 256 KiB, closed after a few KiB were read. */
		CLOSE_EARLY,

		/** A 64 KiB body sent slowly, canceled from another thread after 0-60 ms. */
		CANCEL,

		/** The server never answers; the request's timeout (150-400 ms) fires. */
		TIMEOUT,

		/** The server sends the headers and half the body, then a TCP reset. */
		RESET_MID_BODY,

		/** The server sends the headers, then closes. */
		CLOSE_AFTER_HEADERS,

		/** A healthy 1 MiB body, read to EOF. */
		ONE_MB,

		/** The server sends a quarter of the body and stalls; the read timeout fires. */
		STALL

	}

	@Test
	void sixtyFourThreadsOfFaultsOverPlainHttpKeepEveryInvariant() throws Exception {
		try (SoakServer server = SoakServer.plain(MAX_CONNS_PER_HOST)) {
			new Run("http", server, null, PLAIN_RUN, SEED).execute();
		}
	}

	@Test
	void sixtyFourThreadsOfFaultsOverTlsKeepEveryInvariant() throws Exception {
		SSLContext client = TestCertificates.clientContextTrusting(TestCertificates.loopback());
		try (SoakServer server = SoakServer.tls(MAX_CONNS_PER_HOST,
				TestCertificates.serverContext(TestCertificates.loopback()))) {
			new Run("https", server, client, TLS_RUN, SEED + 1).execute();
		}
	}

	/** One soak run against one server. */
	private static final class Run {

		private final String scheme;

		private final SoakServer server;

		private final Transport transport;

		private final Duration duration;

		private final long seed;

		private final ScheduledThreadPoolExecutor cancels = new ScheduledThreadPoolExecutor(2);

		private final Map<Kind, Map<String, LongAdder>> outcomes = new EnumMap<>(Kind.class);

		private final List<String> violations = new CopyOnWriteArrayList<>();

		private final AtomicLong worstOverrunMillis = new AtomicLong();

		private final AtomicLongArray deadlines = new AtomicLongArray(THREADS);

		private final Thread[] workers = new Thread[THREADS];

		private final Map<Integer, Boolean> hangsReported = new ConcurrentHashMap<>();

		private volatile boolean stopping;

		/** Periodic reads of the kernel's table (owned by the test's thread). */
		private int kernelSamples;

		private Map<String, String> baselineFdTargets = Map.of();

		Run(String scheme, SoakServer server, SSLContext sslContext, Duration duration, long seed) {
			this.scheme = scheme;
			this.server = server;
			Transport.Builder builder = Transport.builder().maxConnsPerHost(MAX_CONNS_PER_HOST);
			if (sslContext != null) {
				builder.sslContext(sslContext);
			}
			this.transport = builder.build();
			this.duration = duration;
			this.seed = seed;
			for (Kind kind : Kind.values()) {
				this.outcomes.put(kind, new ConcurrentHashMap<>());
			}
			this.cancels.setRemoveOnCancelPolicy(true);
		}

		void execute() throws Exception {
			System.out.println("Soak " + this.scheme + ": " + THREADS + " threads for " + this.duration.toSeconds()
					+ " s, max-conns-per-host=" + MAX_CONNS_PER_HOST + ", seed " + this.seed
					+ " (replay the choices with -Droundtrip.soak.seed=" + this.seed + ")");
			try {
				warmUp();
				long baselineFds = openFileDescriptors();
				this.baselineFdTargets = fileDescriptorTargets();
				runWorkers();
				checkQuiet(baselineFds);
				report();
				assertThat(this.violations).as("invariant violations").isEmpty();
				assertThat(this.server.violations()).as("more connections at the server than the ceiling").isEmpty();
				assertThat(this.server.errors())
					.as("server-side failures (a stalled handler that the client" + " never closed shows up here)")
					.isEmpty();
				checkOutcomes();
			}
			finally {
				this.stopping = true;
				this.cancels.shutdownNow();
				this.transport.close();
			}
		}

		/**
		 * One request of every kind, so that classes, TLS sessions and lazy JDK state
		 * exist before the file descriptors are counted.
		 */
		private void warmUp() throws Exception {
			SplittableRandom random = new SplittableRandom(this.seed);
			for (Kind kind : Kind.values()) {
				oneRequest(kind, random);
			}
			quiesce();
		}

		private void runWorkers() throws InterruptedException {
			long end = System.nanoTime() + this.duration.toNanos();
			for (int i = 0; i < THREADS; i++) {
				int index = i;
				SplittableRandom random = new SplittableRandom(this.seed * 31 + i);
				this.workers[i] = new Thread(() -> work(index, random, end), "soak-" + this.scheme + "-" + i);
				this.workers[i].setDaemon(true);
				this.workers[i].start();
			}
			long joinBy = end + CALL_TIMEOUT.toNanos() + HANG_MARGIN.toNanos() + Duration.ofSeconds(5).toNanos();
			for (int tick = 0; anyAlive() && System.nanoTime() - joinBy < 0; tick++) {
				watch(tick);
				LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
			}
			this.stopping = true;
			for (Thread worker : this.workers) {
				if (worker.isAlive()) {
					this.violations.add(worker.getName() + " did not finish: " + stack(worker));
				}
			}
		}

		private boolean anyAlive() {
			return Arrays.stream(this.workers).anyMatch(Thread::isAlive);
		}

		/**
		 * Checks from outside: no call past its deadline plus the margin, the pool within
		 * its limit.
		 */
		private void watch(int tick) {
			if (tick % 5 == 0) {
				this.server.checkKernel("in a periodic check");
				this.kernelSamples++;
			}
			long now = System.nanoTime();
			for (int i = 0; i < THREADS; i++) {
				long deadline = this.deadlines.get(i);
				if (deadline != 0 && now - deadline - HANG_MARGIN.toNanos() > 0
						&& this.hangsReported.putIfAbsent(i, true) == null) {
					this.violations.add(this.workers[i].getName() + " still in a call " + HANG_MARGIN.toMillis()
							+ " ms after its deadline: " + stack(this.workers[i]));
				}
			}
			for (PoolStats.DestinationStats destination : this.transport.stats().destinations()) {
				int counted = destination.idle() + destination.active() + destination.dialing();
				if (counted > MAX_CONNS_PER_HOST) {
					this.violations.add("the pool counts " + counted + " connections for " + destination);
				}
			}
		}

		private void work(int index, SplittableRandom random, long end) {
			Kind[] kinds = Kind.values();
			while (!this.stopping && System.nanoTime() - end < 0) {
				try {
					oneRequest(kinds[random.nextInt(kinds.length)], random, index);
				}
				catch (Throwable ex) {
					this.violations.add("worker " + index + " broke: " + ex);
					return;
				}
			}
		}

		private void oneRequest(Kind kind, SplittableRandom random) throws Exception {
			oneRequest(kind, random, -1);
		}

		/** Sends one request of {@code kind}, checks what came back, counts it. */
		private void oneRequest(Kind kind, SplittableRandom random, int worker) throws Exception {
			int offset = random.nextInt(64 * 1024);
			boolean chunked = random.nextBoolean();
			Duration timeout = (kind == Kind.TIMEOUT) ? Duration.ofMillis(150 + random.nextInt(250)) : CALL_TIMEOUT;
			int size = switch (kind) {
				case READ_TO_EOF -> (random.nextInt(8) == 0) ? 0 : random.nextInt(64 * 1024);
				case POST_ECHO -> random.nextInt(16 * 1024);
				case CLOSE_EARLY -> 1024 + random.nextInt(255 * 1024);
				case CANCEL -> 64 * 1024;
				case RESET_MID_BODY -> 16 * 1024 + random.nextInt(112 * 1024);
				case CLOSE_AFTER_HEADERS -> 1 + random.nextInt(64 * 1024);
				case ONE_MB -> 1 << 20;
				case TIMEOUT -> 0;
				case STALL -> 16 * 1024;
			};
			URI uri = this.server.uri(this.scheme, kind, size, offset, chunked);
			Request.Builder request = Request.builder((kind == Kind.POST_ECHO) ? "POST" : "GET", uri).timeout(timeout);
			if (kind == Kind.POST_ECHO) {
				byte[] body = Arrays.copyOfRange(SoakServer.PATTERN, offset, offset + size);
				request.body(Request.Body.of(body)).header("Content-Type", "application/octet-stream");
			}
			if (kind == Kind.STALL) {
				request.readTimeout(Duration.ofMillis(150 + random.nextInt(250)));
			}
			int closeAfter = (kind == Kind.CLOSE_EARLY) ? random.nextInt(Math.min(size, 8192)) : -1;
			long cancelAfterNanos = (kind == Kind.CANCEL) ? random.nextLong(Duration.ofMillis(60).toNanos()) : -1;

			Call call = this.transport.newCall(request.build());
			long started = System.nanoTime();
			if (worker >= 0) {
				this.deadlines.set(worker, started + timeout.toNanos());
			}
			ScheduledFuture<?> cancel = (cancelAfterNanos >= 0)
					? this.cancels.schedule(call::cancel, cancelAfterNanos, TimeUnit.NANOSECONDS) : null;
			String outcome;
			try {
				outcome = exchange(call, kind, offset, size, closeAfter);
			}
			catch (IOException ex) {
				outcome = failure(kind, ex);
			}
			finally {
				if (cancel != null) {
					cancel.cancel(false);
				}
				if (worker >= 0) {
					this.deadlines.set(worker, 0);
				}
			}
			long overrun = (System.nanoTime() - started - timeout.toNanos()) / 1_000_000;
			this.worstOverrunMillis.accumulateAndGet(overrun, Math::max);
			if (overrun > HANG_MARGIN.toMillis()) {
				this.violations.add(kind + " " + uri + " ended " + overrun + " ms after its deadline of "
						+ timeout.toMillis() + " ms (" + outcome + ")");
			}
			this.outcomes.get(kind).computeIfAbsent(outcome, (o) -> new LongAdder()).increment();
		}

		/** Runs the exchange; returns "ok" or what it saw instead. */
		private String exchange(Call call, Kind kind, int offset, int size, int closeAfter) throws IOException {
			try (Response response = call.execute()) {
				InputStream body = response.body();
				if (closeAfter >= 0) {
					byte[] prefix = body.readNBytes(closeAfter);
					if (!Arrays.equals(prefix, 0, prefix.length, SoakServer.PATTERN, offset, offset + closeAfter)) {
						this.violations.add(kind + " " + call.request().uri() + ": the first " + closeAfter
								+ " bytes differ from what was sent");
					}
					return "ok";
				}
				CRC32 crc = new CRC32();
				byte[] buffer = new byte[16 * 1024];
				long length = 0;
				int n;
				while ((n = body.read(buffer)) != -1) {
					crc.update(buffer, 0, n);
					length += n;
				}
				if (response.status() != 200 || length != size || crc.getValue() != SoakServer.crc(offset, size)) {
					this.violations
						.add(kind + " " + call.request().uri() + " returned a wrong body: status " + response.status()
								+ ", " + length + " of " + size + " bytes, CRC-32 " + Long.toHexString(crc.getValue())
								+ " expected " + Long.toHexString(SoakServer.crc(offset, size)));
					return "wrong body";
				}
				return "ok";
			}
		}

		/** Names a failure, and records it as a violation unless it is an honest one. */
		private String failure(Kind kind, IOException ex) {
			if (ex.getMessage() == null || ex.getMessage().isBlank()) {
				this.violations.add(kind + ": " + ex.getClass().getName() + " without a message");
			}
			if (ex instanceof TransportTimeoutException timeout) {
				return "timeout (" + timeout.limit() + ")";
			}
			return ex.getClass().getSimpleName();
		}

		/**
		 * After the run: nothing in flight in the pool, the server's connections all
		 * closed once the idle ones are, and no file descriptor more than before.
		 */
		private void checkQuiet(long baselineFds) {
			Await.until(() -> {
				PoolStats stats = this.transport.stats();
				return stats.active() == 0 && stats.dialing() == 0 && stats.waiting() == 0;
			}, Await.PROMPTLY, () -> "nothing active, dialing or waiting: " + this.transport.stats());
			quiesce();
			if (baselineFds >= 0) {
				// Bounded wait: sockets the server closed on its own threads are gone a
				// moment later.
				Await.until(() -> openFileDescriptors() <= baselineFds, Await.PROMPTLY,
						() -> "open file descriptors back to " + baselineFds + " after the run: "
								+ openFileDescriptors() + "; new or changed: "
								+ changedTargets(this.baselineFdTargets));
			}
		}

		/** Closes the idle connections and waits until the server has seen them go. */
		private void quiesce() {
			this.transport.closeIdleConnections();
			Await.until(() -> this.transport.stats().open() == 0 && this.server.open() == 0, Await.PROMPTLY,
					() -> "every connection closed: pool " + this.transport.stats() + ", server handlers running "
							+ this.server.open());
		}

		private void report() {
			long total = 0;
			StringBuilder report = new StringBuilder();
			for (Map.Entry<Kind, Map<String, LongAdder>> entry : this.outcomes.entrySet()) {
				Map<String, Long> counts = new TreeMap<>();
				entry.getValue().forEach((outcome, adder) -> counts.put(outcome, adder.sum()));
				long kindTotal = counts.values().stream().mapToLong(Long::longValue).sum();
				total += kindTotal;
				report.append(String.format("  %-20s %7d  %s%n", entry.getKey(), kindTotal, counts));
			}
			System.out
				.printf("Soak %s results (seed %d): %d requests in %d s, %d connections accepted, at most %d handlers"
						+ " running at the server (kernel: at most %d client ends ESTABLISHED in %d periodic and %d triggered checks),"
						+ " worst end after a deadline %d ms%n%s", this.scheme, this.seed, total,
						this.duration.toSeconds(), this.server.accepted(), this.server.peak(), this.server.kernelPeak(),
						this.kernelSamples, this.server.suspicions(), Math.max(0, this.worstOverrunMillis.get()),
						report);
		}

		/**
		 * Each kind ended only in the ways its fault allows, and each ran at least once.
		 * Any call may also meet its deadline while it waits for one of the 16
		 * connections: on a busy machine (TLS especially) that is an honest outcome.
		 */
		private void checkOutcomes() {
			String callTimeout = "timeout (" + Limit.CALL + ")";
			String canceled = CanceledException.class.getSimpleName();
			Map<Kind, List<String>> allowed = new EnumMap<>(Kind.class);
			allowed.put(Kind.READ_TO_EOF, List.of("ok", callTimeout));
			allowed.put(Kind.POST_ECHO, List.of("ok", callTimeout));
			allowed.put(Kind.CLOSE_EARLY, List.of("ok", callTimeout));
			allowed.put(Kind.ONE_MB, List.of("ok", callTimeout));
			allowed.put(Kind.CANCEL, List.of("ok", canceled, callTimeout));
			allowed.put(Kind.TIMEOUT, List.of(callTimeout));
			allowed.put(Kind.STALL, List.of("timeout (" + Limit.READ + ")", callTimeout));
			for (Map.Entry<Kind, Map<String, LongAdder>> entry : this.outcomes.entrySet()) {
				Kind kind = entry.getKey();
				assertThat(entry.getValue()).as("%s ran", kind).isNotEmpty();
				List<String> seen = new ArrayList<>(entry.getValue().keySet());
				if (kind == Kind.RESET_MID_BODY || kind == Kind.CLOSE_AFTER_HEADERS) {
					assertThat(seen).as("%s always fails, and not by a cancel or another limit", kind)
						.doesNotContain("ok", "wrong body", canceled)
						.noneMatch((outcome) -> outcome.startsWith("timeout") && !outcome.equals(callTimeout));
				}
				else {
					assertThat(seen).as("how %s ended", kind).isSubsetOf(allowed.get(kind));
				}
			}
		}

	}

	/** Open file descriptors of this JVM on Linux; -1 elsewhere. */
	static long openFileDescriptors() {
		Path fds = Path.of("/proc/self/fd");
		if (!Files.isDirectory(fds)) {
			return -1;
		}
		try (var list = Files.list(fds)) {
			return list.count();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/** Each open file descriptor and what it points to, on Linux. */
	static Map<String, String> fileDescriptorTargets() {
		Map<String, String> targets = new TreeMap<>();
		try (var list = Files.list(Path.of("/proc/self/fd"))) {
			list.forEach((fd) -> {
				try {
					targets.put(fd.getFileName().toString(), Files.readSymbolicLink(fd).toString());
				}
				catch (IOException ex) {
					// closed while listing
				}
			});
		}
		catch (IOException ex) {
			// no /proc
		}
		return targets;
	}

	private static Map<String, String> changedTargets(Map<String, String> baseline) {
		Map<String, String> changed = new TreeMap<>(fileDescriptorTargets());
		changed.entrySet().removeIf((entry) -> entry.getValue().equals(baseline.get(entry.getKey())));
		return changed;
	}

	private static String stack(Thread thread) {
		StringBuilder text = new StringBuilder();
		for (StackTraceElement element : thread.getStackTrace()) {
			text.append("\n\tat ").append(element);
		}
		return text.toString();
	}

}
