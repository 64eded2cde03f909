package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieHandler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;

import dev.roundtrip.transport.FilteredAddressException;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

/**
 * A request of {@link RoundtripClientHttpRequestFactory}: Spring's headers and streaming
 * body turned into a transport {@link Request}, sent, and redirects followed when the
 * factory says so.
 */
final class RoundtripClientHttpRequest extends AbstractStreamingClientHttpRequest implements Redirects.Sender {

	/**
	 * Headers the transport writes itself: the framing comes from the body
	 * ({@link Request.Body#contentLength()}), {@code Host} from the URI.
	 */
	private static final List<String> MANAGED_HEADERS = List.of(HttpHeaders.CONTENT_LENGTH,
			HttpHeaders.TRANSFER_ENCODING, HttpHeaders.HOST);

	private final Transport transport;

	private final URI uri;

	private final HttpMethod method;

	private final @Nullable Duration connectTimeout;

	private final @Nullable Duration readTimeout;

	private final @Nullable SSLContext sslContext;

	private final int maxRedirects;

	private final @Nullable CookieHandler cookieHandler;

	RoundtripClientHttpRequest(Transport transport, URI uri, HttpMethod method, @Nullable Duration connectTimeout,
			@Nullable Duration readTimeout, @Nullable SSLContext sslContext, int maxRedirects) {
		this(transport, uri, method, connectTimeout, readTimeout, sslContext, maxRedirects, null);
	}

	RoundtripClientHttpRequest(Transport transport, URI uri, HttpMethod method, @Nullable Duration connectTimeout,
			@Nullable Duration readTimeout, @Nullable SSLContext sslContext, int maxRedirects,
			@Nullable CookieHandler cookieHandler) {
		this.cookieHandler = cookieHandler;
		this.transport = transport;
		this.uri = uri;
		this.method = method;
		this.connectTimeout = connectTimeout;
		this.readTimeout = readTimeout;
		this.sslContext = sslContext;
		this.maxRedirects = maxRedirects;
	}

	@Override
	public HttpMethod getMethod() {
		return this.method;
	}

	@Override
	public URI getURI() {
		return this.uri;
	}

	@Override
	protected ClientHttpResponse executeInternal(HttpHeaders headers, @Nullable Body body) throws IOException {
		Request request = toRequest(this.method.name(), this.uri, headers, body).connectTimeout(this.connectTimeout)
			.readTimeout(this.readTimeout)
			.sslContext(this.sslContext)
			.build();
		Redirects.Sender sender = (this.cookieHandler != null) ? cookieSender(this.transport, this.cookieHandler)
				: this;
		Response response;
		try {
			response = (this.maxRedirects > 0) ? Redirects.follow(sender, request, this.maxRedirects)
					: sender.send(request);
		}
		catch (FilteredAddressException ex) {
			Exception translated = Boot41Settings.translate(ex, this.transport);
			if (translated instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
		return new RoundtripClientHttpResponse(response);
	}

	/**
	 * Sends one hop, as it is; this request is its own sender, so none is made per
	 * request.
	 */
	@Override
	public Response send(Request request) throws IOException {
		return this.transport.roundTrip(request);
	}

	/**
	 * Sends each hop with the cookies {@code cookies} has for its URI, one {@code Cookie}
	 * header after any the caller set, and hands each response's headers to it.
	 */
	private static Redirects.Sender cookieSender(Transport transport, CookieHandler cookies) {
		return (request) -> {
			Map<String, List<String>> stored = cookies.get(request.uri(), request.headers().toMultimap());
			Request sent = request;
			List<String> values = stored.get("Cookie");
			if (values != null && !values.isEmpty()) {
				String own = request.headers().get("Cookie");
				String joined = String.join("; ", values);
				sent = request.toBuilder().setHeader("Cookie", (own != null) ? own + "; " + joined : joined).build();
			}
			Response response = transport.roundTrip(sent);
			cookies.put(request.uri(), response.headers().toMultimap());
			return response;
		};
	}

	/**
	 * The transport request for Spring's method, URI, headers and body; the caller adds
	 * the limits.
	 */
	static Request.Builder toRequest(String method, URI uri, HttpHeaders headers, @Nullable Body body) {
		Request.Builder request = Request.builder(method, uri);
		if (headers.isEmpty()) {
			// Iterating Spring's headers allocates even when there are none.
			return withBody(request, headers, body);
		}
		headers.forEach((name, values) -> {
			if (!isManaged(name)) {
				for (String value : values) {
					request.header(name, (value != null) ? value : "");
				}
			}
		});
		return withBody(request, headers, body);
	}

	private static Request.Builder withBody(Request.Builder request, HttpHeaders headers, @Nullable Body body) {
		if (body != null) {
			request.body(new SpringBody(body, headers.getContentLength()));
		}
		return request;
	}

	private static boolean isManaged(String name) {
		for (String managed : MANAGED_HEADERS) {
			if (managed.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	/** Spring's streaming body as the transport's: same bytes, same repeatability. */
	private static final class SpringBody implements Request.Body {

		private final StreamingHttpOutputMessage.Body body;

		private final long contentLength;

		SpringBody(StreamingHttpOutputMessage.Body body, long contentLength) {
			this.body = body;
			this.contentLength = contentLength;
		}

		@Override
		public long contentLength() {
			return this.contentLength;
		}

		@Override
		public void writeTo(OutputStream out) throws IOException {
			// Message converters may close what they write to; the transport owns the
			// stream.
			this.body.writeTo(StreamUtils.nonClosing(out));
		}

		@Override
		public boolean isReplayable() {
			return this.body.repeatable();
		}

	}

}
