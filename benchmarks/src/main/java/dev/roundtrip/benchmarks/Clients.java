package dev.roundtrip.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactory;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

/**
 * The clients compared, each configured as its documentation shows for a pooled blocking
 * caller: a pool of as many connections as threads, nginx's certificate trusted
 * explicitly, and every request built afresh, as an application would.
 */
final class Clients {

	/** The names accepted by {@link #create}, in the order the tables show them. */
	static final List<String> NAMES = List.of("roundtrip", "roundtrip-spring", "apache", "jetty", "jdk",
			"reactor-netty", "raw");

	/** A client ready to send one shape's request again and again, from many threads. */
	interface BenchClient extends AutoCloseable {

		/**
		 * Sends one request and reads the whole response body.
		 * @return the number of body bytes read
		 * @throws Exception when the exchange fails
		 */
		long exchange() throws Exception;

	}

	static String label(String name) {
		return switch (name) {
			case "roundtrip" -> "Roundtrip";
			case "roundtrip-spring" -> "Roundtrip via Spring factory";
			case "apache" -> "Apache HttpClient 5";
			case "jetty" -> "Jetty 12 client";
			case "jdk" -> "JDK HttpClient";
			case "reactor-netty" -> "Reactor Netty";
			case "raw" -> "raw socket loop";
			case "wrk" -> "wrk (native)";
			default -> name;
		};
	}

	static BenchClient create(String name, Target target, Shape shape, int connections) throws Exception {
		URI uri = target.uri(shape);
		byte[] body = shape.requestBody();
		return switch (name) {
			case "roundtrip" -> roundtrip(target, uri, shape, body, connections);
			case "roundtrip-spring" -> roundtripSpring(target, uri, shape, body, connections);
			case "apache" -> apache(target, uri, shape, body, connections);
			case "jetty" -> jetty(target, uri, shape, body, connections);
			case "jdk" -> jdk(target, uri, shape, body);
			case "reactor-netty" -> reactorNetty(target, uri, shape, body, connections);
			case "raw" -> new RawClient(target, shape);
			default -> throw new IllegalArgumentException("unknown client " + name + "; known: " + NAMES);
		};
	}

	private static Transport transport(Target target, Shape shape, int connections) {
		Transport.Builder builder = Transport.builder().maxConnsPerHost(connections).maxIdleConnsPerHost(connections);
		if (shape.https()) {
			builder.sslContext(target.sslContext());
		}
		return builder.build();
	}

	private static BenchClient roundtrip(Target target, URI uri, Shape shape, byte[] body, int connections) {
		Transport transport = transport(target, shape, connections);
		return new BenchClient() {

			@Override
			public long exchange() throws IOException {
				Request.Builder request = Request.builder(shape.method(), uri);
				if (body.length > 0) {
					request.body(Request.Body.of(body));
				}
				try (Response response = transport.roundTrip(request.build())) {
					return drain(response.body());
				}
			}

			@Override
			public void close() {
				transport.close();
			}

		};
	}

	private static BenchClient roundtripSpring(Target target, URI uri, Shape shape, byte[] body, int connections) {
		Transport transport = transport(target, shape, connections);
		RoundtripClientHttpRequestFactory factory = new RoundtripClientHttpRequestFactory(transport);
		HttpMethod method = HttpMethod.valueOf(shape.method());
		return new BenchClient() {

			@Override
			public long exchange() throws IOException {
				ClientHttpRequest request = factory.createRequest(uri, method);
				if (body.length > 0) {
					request.getHeaders().setContentLength(body.length);
					// Streamed, as RestClient writes a body: getBody() would buffer a
					// copy.
					if (request instanceof StreamingHttpOutputMessage streaming) {
						streaming.setBody((out) -> out.write(body));
					}
					else {
						request.getBody().write(body);
					}
				}
				try (ClientHttpResponse response = request.execute()) {
					return drain(response.getBody());
				}
			}

			@Override
			public void close() {
				transport.close();
			}

		};
	}

	private static BenchClient apache(Target target, URI uri, Shape shape, byte[] body, int connections) {
		PoolingHttpClientConnectionManagerBuilder pool = PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(connections)
			.setMaxConnPerRoute(connections);
		if (shape.https()) {
			pool.setTlsSocketStrategy(new DefaultClientTlsStrategy(target.sslContext()));
		}
		CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool.build()).build();
		return new BenchClient() {

			@Override
			public long exchange() throws IOException {
				HttpUriRequestBase request = new HttpUriRequestBase(shape.method(), uri);
				if (body.length > 0) {
					request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
				}
				return client.execute(request, (response) -> {
					try (InputStream in = response.getEntity().getContent()) {
						return drain(in);
					}
				});
			}

			@Override
			public void close() throws IOException {
				client.close();
			}

		};
	}

	private static BenchClient jetty(Target target, URI uri, Shape shape, byte[] body, int connections)
			throws Exception {
		ClientConnector connector = new ClientConnector();
		SslContextFactory.Client tls = new SslContextFactory.Client();
		tls.setSslContext(target.sslContext());
		connector.setSslContextFactory(tls);
		org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient(
				new HttpClientTransportOverHTTP(connector));
		client.setMaxConnectionsPerDestination(connections);
		client.setMaxRequestsQueuedPerDestination(100_000);
		client.start();
		return new BenchClient() {

			@Override
			public long exchange() throws Exception {
				org.eclipse.jetty.client.Request request = client.newRequest(uri).method(shape.method());
				if (body.length > 0) {
					request.body(new BytesRequestContent(body));
				}
				// Streaming, as Spring's JettyClientHttpRequestFactory reads it.
				InputStreamResponseListener listener = new InputStreamResponseListener();
				request.send(listener);
				listener.get(30, TimeUnit.SECONDS);
				try (InputStream in = listener.getInputStream()) {
					return drain(in);
				}
			}

			@Override
			public void close() throws Exception {
				client.stop();
			}

		};
	}

	private static BenchClient jdk(Target target, URI uri, Shape shape, byte[] body) {
		// The JDK client's pool has no limit: it opens a connection per concurrent
		// request.
		java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
			.version(Version.HTTP_1_1)
			.sslContext(target.sslContext())
			.build();
		return new BenchClient() {

			@Override
			public long exchange() throws Exception {
				HttpRequest request = HttpRequest.newBuilder(uri)
					.method(shape.method(),
							(body.length > 0) ? BodyPublishers.ofByteArray(body) : BodyPublishers.noBody())
					.build();
				try (InputStream in = client.send(request, BodyHandlers.ofInputStream()).body()) {
					return drain(in);
				}
			}

			@Override
			public void close() {
				// java.net.http.HttpClient is AutoCloseable from JDK 21 only.
				if (client instanceof AutoCloseable closeable) {
					try {
						closeable.close();
					}
					catch (Exception ex) {
						// Closing is best effort; the JVM ends after the measurement.
					}
				}
			}

		};
	}

	private static BenchClient reactorNetty(Target target, URI uri, Shape shape, byte[] body, int connections) {
		ConnectionProvider provider = ConnectionProvider.builder("benchmark")
			.maxConnections(connections)
			.pendingAcquireMaxCount(-1)
			.build();
		HttpClient base = HttpClient.create(provider);
		if (body.length > 0) {
			base = base.headers((headers) -> headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length));
		}
		if (shape.https()) {
			base = base.secure((spec) -> spec
				.sslContext(Http11SslContextSpec.forClient().configure((ssl) -> ssl.trustManager(target.trust()))));
		}
		HttpClient client = base;
		io.netty.handler.codec.http.HttpMethod method = io.netty.handler.codec.http.HttpMethod.valueOf(shape.method());
		return new BenchClient() {

			@Override
			public long exchange() {
				// The body bytes are counted while each buffer is still held, before
				// Reactor
				// Netty releases it.
				HttpClient.RequestSender sender = client.request(method).uri(uri);
				ByteBufFlux content = (body.length > 0)
						? sender.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body))).responseContent()
						: sender.responseContent();
				Long read = content.reduce(0L, (sum, buffer) -> sum + buffer.readableBytes()).block();
				return (read != null) ? read : 0;
			}

			@Override
			public void close() {
				provider.disposeLater().block();
			}

		};
	}

	private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[16384]);

	static long drain(InputStream body) throws IOException {
		byte[] buffer = BUFFERS.get();
		long total = 0;
		int n;
		while ((n = body.read(buffer)) != -1) {
			total += n;
		}
		return total;
	}

	private Clients() {
	}

}
