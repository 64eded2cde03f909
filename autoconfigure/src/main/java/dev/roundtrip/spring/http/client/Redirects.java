package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

/**
 * Follows redirects on top of the transport, which never does. Go: {@code (*Client).do},
 * {@code redirectBehavior} and {@code makeHeadersCopier}; the rules are listed on
 * {@link RoundtripClientHttpRequestFactory#setFollowRedirects(boolean)}.
 */
final class Redirects {

	/**
	 * How much of a redirect's own body is read before it is closed, so that its
	 * connection goes back to the pool for the next hop. Go: {@code maxBodySlurpSize}. A
	 * longer body is left to the transport's {@code drain-on-close}.
	 */
	static final int MAX_BODY_SLURP = 2 * 1024;

	/** Not sent to another host (Go also drops {@code Cookie2}). */
	private static final List<String> CREDENTIALS = List.of("Authorization", "Proxy-Authorization", "Cookie",
			"Cookie2");

	/**
	 * Describe the body, so they go when a redirect drops the body (Fetch:
	 * "request-body-header name").
	 */
	private static final List<String> BODY_HEADERS = List.of("Content-Type", "Content-Encoding", "Content-Language",
			"Content-Location");

	private Redirects() {
	}

	/** Sends one hop: the transport itself, or with cookies added and kept. */
	@FunctionalInterface
	interface Sender {

		Response send(Request request) throws IOException;

	}

	/**
	 * Sends {@code request} and follows up to {@code maxRedirects} redirects.
	 * @throws TooManyRedirectsException when the last allowed hop redirects again
	 */
	static Response follow(Transport transport, Request request, int maxRedirects) throws IOException {
		return follow(transport::roundTrip, request, maxRedirects);
	}

	/** As above, each hop sent by {@code sender}. */
	static Response follow(Sender sender, Request request, int maxRedirects) throws IOException {
		Response response = sender.send(request);
		List<String> chain = null;
		for (int redirects = 0;; redirects++) {
			Request next = next(request, response);
			if (next == null) {
				return response;
			}
			if (chain == null) {
				chain = new ArrayList<>();
				chain.add(request.method() + " " + request.uri());
			}
			chain.add("-> " + response.status() + " -> " + next.method() + " " + next.uri());
			discard(response);
			if (redirects == maxRedirects) {
				throw new TooManyRedirectsException(maxRedirects, chain);
			}
			request = next;
			response = sender.send(request);
		}
	}

	/**
	 * The request that follows {@code response}, or {@code null} when the response is to
	 * be returned as it is: not a redirect, no usable {@code Location}, a downgrade from
	 * {@code https} to {@code http}, or a 307 or 308 whose body cannot be sent again.
	 * @throws IOException if {@code Location} is not a URI reference
	 */
	static @Nullable Request next(Request request, Response response) throws IOException {
		boolean keepMethodAndBody;
		switch (response.status()) {
			case 301, 302, 303 -> keepMethodAndBody = false;
			case 307, 308 -> keepMethodAndBody = true;
			default -> {
				return null;
			}
		}
		String location = response.headers().get("Location");
		if (location == null || location.isEmpty()) {
			return null;
		}
		URI target = resolve(request.uri(), location);
		String scheme = (target.getScheme() != null) ? target.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
			return null;
		}
		if (isHttps(request.uri()) && !scheme.equals("https")) {
			return null;
		}
		Request.Body body = request.body();
		if (keepMethodAndBody && body != null && !body.isReplayable()) {
			return null;
		}
		Headers.Builder headers = request.headers().toBuilder();
		Request.Builder next = request.toBuilder().uri(target);
		if (!keepMethodAndBody) {
			next.method(request.method().equals("HEAD") ? "HEAD" : "GET").body(null);
			BODY_HEADERS.forEach(headers::remove);
		}
		if (!sameHost(request.uri(), target)) {
			CREDENTIALS.forEach(headers::remove);
		}
		return next.headers(headers.build()).build();
	}

	/**
	 * Reads what little is left of a redirect's body and closes it, so the connection can
	 * be reused.
	 */
	private static void discard(Response response) {
		try (InputStream body = response.body()) {
			body.readNBytes(MAX_BODY_SLURP);
		}
		catch (IOException ex) {
			// The connection is closed instead of pooled; the next hop dials a new one.
		}
	}

	private static URI resolve(URI base, String location) throws IOException {
		URI reference;
		try {
			reference = new URI(escapeIllegal(location));
		}
		catch (URISyntaxException ex) {
			throw new IOException("Redirect from " + base + " has a Location that is not a URI: " + location, ex);
		}
		return UriReference.resolve(base, reference);
	}

	/**
	 * Percent-encodes what servers put in {@code Location} but {@link URI} refuses:
	 * spaces, controls, non-ASCII.
	 */
	private static String escapeIllegal(String location) {
		StringBuilder escaped = null;
		byte[] bytes = location.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < bytes.length; i++) {
			int b = bytes[i] & 0xff;
			boolean illegal = b <= 0x20 || b >= 0x7f || "\"<>\\^`{|}".indexOf(b) >= 0;
			if (illegal && escaped == null) {
				escaped = new StringBuilder(new String(bytes, 0, i, StandardCharsets.UTF_8));
			}
			if (escaped != null) {
				if (illegal) {
					escaped.append('%')
						.append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
						.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
				}
				else {
					escaped.append((char) b);
				}
			}
		}
		return (escaped != null) ? escaped.toString() : location;
	}

	private static boolean isHttps(URI uri) {
		return "https".equalsIgnoreCase(uri.getScheme());
	}

	/** Same host name and port: credentials meant for one server do not go to another. */
	private static boolean sameHost(URI from, URI to) {
		return from.getHost().equalsIgnoreCase(to.getHost()) && port(from) == port(to);
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : isHttps(uri) ? 443 : 80;
	}

}
