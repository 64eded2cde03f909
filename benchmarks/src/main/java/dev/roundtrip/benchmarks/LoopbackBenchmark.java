package dev.roundtrip.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactory;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

/**
 * Closed-loop GETs of a 13-byte body over loopback: each thread sends its next request as
 * soon as the last response is read. Every client is measured in the same run,
 * interleaved round by round, and reported as a ratio to Apache HttpClient 5, since only
 * ratios mean anything on a shared machine.
 *
 * <p>
 * Arguments: the target URL (or {@code builtin} for a server in this process), and the
 * seconds per measurement.
 */
public final class LoopbackBenchmark {

	private static final int ROUNDS = 3;

	public static void main(String[] args) throws Exception {
		String target = (args.length > 0) ? args[0] : "builtin";
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
		BuiltinServer builtin = null;
		if (target.equals("builtin")) {
			builtin = new BuiltinServer();
			target = "http://127.0.0.1:" + builtin.port() + "/";
			System.out.println("== against the built-in Java server at " + target + " (nginx not available) ==");
		}
		URI uri = URI.create(target);
		System.out.println("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
				+ seconds + " s per measurement, " + ROUNDS + " rounds, median shown");
		List<String> rows = new ArrayList<>();
		rows.add("| threads | client | requests/s | bytes allocated/request | × Apache HttpClient 5 |");
		rows.add("|---|---|---|---|---|");
		for (int threads : new int[] { 1, 4, 64 }) {
			Map<String, Client> clients = new LinkedHashMap<>();
			clients.put("apache-httpclient5", apache(threads));
			clients.put("roundtrip", roundtrip(threads));
			clients.put("apache via Spring factory", springApache(threads));
			clients.put("roundtrip via Spring factory", springRoundtrip(threads));
			clients.put("raw socket loop", new RawClient(uri));
			Map<String, List<Result>> results = new LinkedHashMap<>();
			for (int round = 0; round < ROUNDS; round++) {
				for (Map.Entry<String, Client> client : clients.entrySet()) {
					Result result = measure(client.getValue(), uri, threads, false, (round == 0) ? 1 : 0, seconds);
					results.computeIfAbsent(client.getKey(), (k) -> new ArrayList<>()).add(result);
				}
			}
			double apache = median(results.get("apache-httpclient5")).perSecond;
			double apacheSpring = median(results.get("apache via Spring factory")).perSecond;
			for (Map.Entry<String, List<Result>> entry : results.entrySet()) {
				Result median = median(entry.getValue());
				double base = entry.getKey().contains("Spring") ? apacheSpring : apache;
				rows.add(String.format(Locale.ROOT, "| %d | %s | %,.0f | %s | %.2f |", threads, entry.getKey(),
						median.perSecond,
						(median.bytesPerRequest < 0) ? "n/a" : String.format("%,d", median.bytesPerRequest),
						median.perSecond / base));
			}
			for (Client client : clients.values()) {
				client.close();
			}
		}
		ThreadFactory virtual = virtualThreadFactory();
		if (virtual != null) {
			Client platform = roundtrip(64);
			Client virtualClient = roundtrip(64);
			List<Result> platformResults = new ArrayList<>();
			List<Result> virtualResults = new ArrayList<>();
			for (int round = 0; round < ROUNDS; round++) {
				platformResults.add(measure(platform, uri, 64, false, (round == 0) ? 1 : 0, seconds));
				virtualResults.add(measure(virtualClient, uri, 1000, true, (round == 0) ? 1 : 0, seconds));
			}
			double base = median(platformResults).perSecond;
			rows.add(
					String.format(Locale.ROOT, "| 64 platform | roundtrip, max-conns-per-host 64 | %,.0f | | |", base));
			rows.add(String.format(Locale.ROOT,
					"| 1000 virtual | roundtrip, max-conns-per-host 64 | %,.0f | | %.2f × 64 platform |",
					median(virtualResults).perSecond, median(virtualResults).perSecond / base));
			platform.close();
			virtualClient.close();
		}
		else {
			rows.add("| 1000 virtual | (needs JDK 21+) | | | |");
		}
		System.out.println();
		rows.forEach(System.out::println);
		if (builtin != null) {
			builtin.close();
		}
	}

	private static Result median(List<Result> results) {
		List<Result> sorted = new ArrayList<>(results);
		sorted.sort((a, b) -> Double.compare(a.perSecond, b.perSecond));
		return sorted.get(sorted.size() / 2);
	}

	private static Result measure(Client client, URI uri, int threads, boolean virtual, int warmupSeconds, int seconds)
			throws Exception {
		AtomicBoolean counting = new AtomicBoolean();
		AtomicBoolean stop = new AtomicBoolean();
		LongAdder requests = new LongAdder();
		LongAdder allocated = new LongAdder();
		LongAdder failures = new LongAdder();
		CountDownLatch done = new CountDownLatch(threads);
		com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		ThreadFactory factory = virtual ? virtualThreadFactory() : Thread::new;
		long[] startAllocation = new long[1];
		for (int t = 0; t < threads; t++) {
			factory.newThread(() -> {
				try {
					boolean counted = false;
					long before = 0;
					long count = 0;
					while (!stop.get()) {
						if (!counted && counting.get()) {
							counted = true;
							before = virtual ? 0 : mx.getThreadAllocatedBytes(Thread.currentThread().getId());
						}
						try {
							client.get(uri);
						}
						catch (Exception ex) {
							failures.increment();
						}
						if (counted) {
							count++;
						}
					}
					if (counted) {
						requests.add(count);
						if (!virtual) {
							allocated.add(mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
						}
					}
				}
				finally {
					done.countDown();
				}
			}).start();
		}
		Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds) + 200);
		counting.set(true);
		long start = System.nanoTime();
		Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
		stop.set(true);
		long elapsed = System.nanoTime() - start;
		if (!done.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(client + " did not stop");
		}
		if (failures.sum() > 0) {
			System.out.println("  " + client + " at " + threads + " threads: " + failures.sum() + " failed requests");
		}
		long total = requests.sum();
		return new Result(total / (elapsed / 1e9), virtual ? -1 : allocated.sum() / Math.max(1, total));
	}

	record Result(double perSecond, long bytesPerRequest) {

	}

	interface Client extends AutoCloseable {

		void get(URI uri) throws Exception;

		@Override
		default void close() throws Exception {
		}

	}

	private static Client roundtrip(int connections) {
		Transport transport = Transport.builder().maxConnsPerHost(connections).maxIdleConnsPerHost(connections).build();
		return new Client() {

			@Override
			public void get(URI uri) throws IOException {
				try (Response response = transport.roundTrip(Request.get(uri))) {
					drain(response.body());
				}
			}

			@Override
			public void close() {
				transport.close();
			}

			@Override
			public String toString() {
				return "roundtrip";
			}

		};
	}

	private static CloseableHttpClient apacheClient(int connections) {
		return HttpClients.custom()
			.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
				.setMaxConnTotal(connections)
				.setMaxConnPerRoute(connections)
				.build())
			.build();
	}

	private static Client apache(int connections) {
		CloseableHttpClient client = apacheClient(connections);
		return new Client() {

			@Override
			public void get(URI uri) throws IOException {
				client.execute(new HttpGet(uri), (response) -> {
					EntityUtils.consume(response.getEntity());
					return null;
				});
			}

			@Override
			public void close() throws IOException {
				client.close();
			}

			@Override
			public String toString() {
				return "apache-httpclient5";
			}

		};
	}

	private static Client springApache(int connections) {
		CloseableHttpClient client = apacheClient(connections);
		return spring(new HttpComponentsClientHttpRequestFactory(client), client::close, "apache via Spring");
	}

	private static Client springRoundtrip(int connections) {
		Transport transport = Transport.builder().maxConnsPerHost(connections).maxIdleConnsPerHost(connections).build();
		return spring(new RoundtripClientHttpRequestFactory(transport), transport::close, "roundtrip via Spring");
	}

	private static Client spring(ClientHttpRequestFactory factory, AutoCloseable resource, String name) {
		return new Client() {

			@Override
			public void get(URI uri) throws IOException {
				try (ClientHttpResponse response = factory.createRequest(uri, HttpMethod.GET).execute()) {
					drain(response.getBody());
				}
			}

			@Override
			public void close() throws Exception {
				resource.close();
			}

			@Override
			public String toString() {
				return name;
			}

		};
	}

	private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[8192]);

	private static void drain(InputStream body) throws IOException {
		byte[] buffer = BUFFERS.get();
		while (body.read(buffer) != -1) {
			// discard
		}
	}

	/**
	 * One socket per thread, a fixed request, the response read by Content-Length: the
	 * floor.
	 */
	private static final class RawClient implements Client {

		private final ThreadLocal<Socket> sockets = new ThreadLocal<>();

		private final List<Socket> all = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final byte[] request;

		RawClient(URI uri) {
			this.request = ("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
					+ "\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1);
		}

		@Override
		public void get(URI uri) throws IOException {
			Socket socket = this.sockets.get();
			if (socket == null) {
				socket = new Socket(uri.getHost(), uri.getPort());
				socket.setTcpNoDelay(true);
				this.sockets.set(socket);
				this.all.add(socket);
			}
			OutputStream out = socket.getOutputStream();
			out.write(this.request);
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] buffer = BUFFERS.get();
			int filled = 0;
			int headerEnd = -1;
			while (headerEnd < 0) {
				int n = in.read(buffer, filled, buffer.length - filled);
				if (n < 0) {
					throw new IOException("closed");
				}
				filled += n;
				headerEnd = indexOf(buffer, filled);
			}
			int length = contentLength(buffer, headerEnd);
			int have = filled - headerEnd;
			while (have < length) {
				int n = in.read(buffer, 0, Math.min(buffer.length, length - have));
				if (n < 0) {
					throw new IOException("closed");
				}
				have += n;
			}
		}

		private static int indexOf(byte[] b, int limit) {
			for (int i = 3; i < limit; i++) {
				if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
					return i + 1;
				}
			}
			return -1;
		}

		private static int contentLength(byte[] b, int headerEnd) {
			String head = new String(b, 0, headerEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
			int at = head.indexOf("content-length:");
			int end = head.indexOf('\r', at);
			return Integer.parseInt(head.substring(at + 15, end).trim());
		}

		@Override
		public void close() throws IOException {
			for (Socket socket : this.all) {
				socket.close();
			}
		}

		@Override
		public String toString() {
			return "raw";
		}

	}

	private static ThreadFactory virtualThreadFactory() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
			return (ThreadFactory) MethodHandles.publicLookup()
				.findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class))
				.invoke(builder);
		}
		catch (Throwable ex) {
			return null;
		}
	}

	/**
	 * A keep-alive server answering every request with 13 bytes; thread per connection.
	 */
	private static final class BuiltinServer implements AutoCloseable {

		private final ServerSocket server;

		BuiltinServer() throws IOException {
			this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "builtin-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		private void accept() {
			byte[] response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!"
				.getBytes(StandardCharsets.ISO_8859_1);
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					socket.setTcpNoDelay(true);
					Thread worker = new Thread(() -> serve(socket, response));
					worker.setDaemon(true);
					worker.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private static void serve(Socket socket, byte[] response) {
			byte[] buffer = new byte[8192];
			try (socket) {
				InputStream in = socket.getInputStream();
				OutputStream out = socket.getOutputStream();
				int state = 0;
				int n;
				while ((n = in.read(buffer)) > 0) {
					for (int i = 0; i < n; i++) {
						byte b = buffer[i];
						state = switch (state) {
							case 0, 2 -> (b == '\r') ? state + 1 : 0;
							case 1, 3 -> (b == '\n') ? state + 1 : (b == '\r') ? 1 : 0;
							default -> 0;
						};
						if (state == 4) {
							out.write(response);
							state = 0;
						}
					}
				}
			}
			catch (IOException ex) {
				// The client went away.
			}
		}

		@Override
		public void close() throws IOException {
			this.server.close();
		}

	}

	private LoopbackBenchmark() {
	}

}
