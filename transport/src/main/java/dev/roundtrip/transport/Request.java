package dev.roundtrip.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP request: method, absolute {@code http} or {@code https} URI, headers and an
 * optional body, plus the per-request limits that override the transport's. Immutable;
 * validated when built, so nothing malformed ever reaches the wire.
 */
public final class Request {

	private final String method;

	private final URI uri;

	private final Headers headers;

	private final @Nullable Body body;

	private final @Nullable Duration timeout;

	private final @Nullable Duration readTimeout;

	private final @Nullable Duration connectTimeout;

	private final @Nullable SSLContext sslContext;

	private Request(Builder builder) {
		this.method = builder.method;
		this.uri = builder.uri;
		this.headers = (builder.headers != null) ? builder.headers.build() : Headers.EMPTY;
		this.body = builder.body;
		this.timeout = builder.timeout;
		this.readTimeout = builder.readTimeout;
		this.connectTimeout = builder.connectTimeout;
		this.sslContext = builder.sslContext;
	}

	public static Builder builder(String method, URI uri) {
		return new Builder(method, uri);
	}

	/** A GET of {@code uri}, with no headers of its own. */
	private Request(URI uri) {
		this.method = "GET";
		this.uri = Builder.checkUri(uri);
		this.headers = Headers.EMPTY;
		this.body = null;
		this.timeout = null;
		this.readTimeout = null;
		this.connectTimeout = null;
		this.sslContext = null;
	}

	/** A GET of {@code uri}. */
	public static Request get(URI uri) {
		// Not through a builder: the commonest request allocates only itself.
		return new Request(uri);
	}

	/** A GET of {@code uri}. */
	public static Request get(String uri) {
		return get(URI.create(uri));
	}

	public Builder toBuilder() {
		Builder builder = new Builder(this.method, this.uri);
		builder.headers = this.headers.toBuilder();
		builder.body = this.body;
		builder.timeout = this.timeout;
		builder.readTimeout = this.readTimeout;
		builder.connectTimeout = this.connectTimeout;
		builder.sslContext = this.sslContext;
		return builder;
	}

	/** The method, as given (methods are case-sensitive). */
	public String method() {
		return this.method;
	}

	public URI uri() {
		return this.uri;
	}

	public Headers headers() {
		return this.headers;
	}

	/** The body, or {@code null} for none. */
	public @Nullable Body body() {
		return this.body;
	}

	/**
	 * The whole exchange's limit, from the call until the response body is read (Go: the
	 * request context's deadline), or {@code null} for none.
	 */
	public @Nullable Duration timeout() {
		return this.timeout;
	}

	/** The limit on each read from the socket, or {@code null} for the transport's. */
	public @Nullable Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * The limit on TCP connect, or {@code null} for the transport's {@code dial-timeout}.
	 */
	public @Nullable Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * The TLS configuration for an {@code https} URI, or {@code null} for the
	 * transport's. Connections made under one {@code SSLContext} are never reused for a
	 * request that names another.
	 */
	public @Nullable SSLContext sslContext() {
		return this.sslContext;
	}

	/**
	 * Whether this request may be sent a second time after a failure on a reused
	 * connection: a GET, HEAD, OPTIONS or TRACE, or a request carrying
	 * {@code Idempotency-Key} or {@code X-Idempotency-Key}; and its body, if any, can be
	 * written again. Go: {@code (*Request).isReplayable}.
	 */
	public boolean isReplayable() {
		if (this.body != null && !this.body.isReplayable()) {
			return false;
		}
		return switch (this.method) {
			case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
			default -> this.headers.contains("Idempotency-Key") || this.headers.contains("X-Idempotency-Key");
		};
	}

	@Override
	public String toString() {
		return this.method + " " + this.uri;
	}

	/**
	 * A request body. Written by the transport while the request is sent; a body that can
	 * be written more than once says so, which lets the transport retry on a fresh
	 * connection (see {@link Request#isReplayable()}).
	 */
	public interface Body {

		/**
		 * The length in bytes, or -1 if unknown, in which case the body is sent chunked.
		 */
		long contentLength();

		/**
		 * Writes the whole body. A body of known length must write exactly that many
		 * bytes.
		 */
		void writeTo(OutputStream out) throws IOException;

		/** Whether {@link #writeTo} may be called again and writes the same bytes. */
		default boolean isReplayable() {
			return false;
		}

		/**
		 * A replayable body of these bytes (not copied: do not change the array
		 * afterwards).
		 */
		static Body of(byte[] bytes) {
			Objects.requireNonNull(bytes, "bytes");
			return new Body() {

				@Override
				public long contentLength() {
					return bytes.length;
				}

				@Override
				public void writeTo(OutputStream out) throws IOException {
					out.write(bytes);
				}

				@Override
				public boolean isReplayable() {
					return true;
				}

			};
		}

		/** A replayable body of this text in UTF-8. */
		static Body of(String text) {
			return of(text.getBytes(StandardCharsets.UTF_8));
		}

	}

	/** Builds a {@link Request}; every part is checked as it is set. */
	public static final class Builder {

		private String method;

		private URI uri;

		/** Made on the first header: most requests carry none of their own. */
		private Headers.@Nullable Builder headers;

		private @Nullable Body body;

		private @Nullable Duration timeout;

		private @Nullable Duration readTimeout;

		private @Nullable Duration connectTimeout;

		private @Nullable SSLContext sslContext;

		private Builder(String method, URI uri) {
			method(method);
			uri(uri);
		}

		/** Sets the method: an RFC 9110 token such as {@code GET} or {@code PATCH}. */
		public Builder method(String method) {
			Objects.requireNonNull(method, "method");
			if (method.isEmpty()) {
				throw new IllegalArgumentException("Method is empty");
			}
			for (int i = 0; i < method.length(); i++) {
				if (!Headers.isTokenChar(method.charAt(i))) {
					throw new IllegalArgumentException("Method " + Headers.quote(method) + " contains "
							+ Headers.describe(method.charAt(i)) + "; a method must be an RFC 9110 token");
				}
			}
			this.method = method;
			return this;
		}

		/**
		 * Sets the URI: absolute, {@code http} or {@code https}, with a host. Its raw
		 * path and query are sent as they are, so they must already be percent-encoded;
		 * {@link URI} itself refuses spaces and controls.
		 */
		public Builder uri(URI uri) {
			this.uri = checkUri(uri);
			return this;
		}

		static URI checkUri(URI uri) {
			Objects.requireNonNull(uri, "uri");
			String scheme = uri.getScheme();
			if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
				throw new IllegalArgumentException("URI " + uri + " must be absolute with scheme http or https");
			}
			if (uri.getHost() == null) {
				throw new IllegalArgumentException("URI " + uri + " has no host" + ((uri.getRawAuthority() != null)
						? " that can be parsed (" + uri.getRawAuthority() + ")" : ""));
			}
			if (!scheme.equals(scheme.toLowerCase(Locale.ROOT))) {
				return URI.create(scheme.toLowerCase(Locale.ROOT) + uri.toString().substring(scheme.length()));
			}
			return uri;
		}

		/** Adds a header line; see {@link Headers.Builder#add}. */
		public Builder header(String name, String value) {
			headerBuilder().add(name, value);
			return this;
		}

		/** Replaces every header line of this name. */
		public Builder setHeader(String name, String value) {
			headerBuilder().set(name, value);
			return this;
		}

		public Builder removeHeader(String name) {
			headerBuilder().remove(name);
			return this;
		}

		public Builder headers(Headers headers) {
			this.headers = headers.toBuilder();
			return this;
		}

		private Headers.Builder headerBuilder() {
			Headers.Builder headers = this.headers;
			if (headers == null) {
				headers = Headers.builder();
				this.headers = headers;
			}
			return headers;
		}

		public Builder body(@Nullable Body body) {
			this.body = body;
			return this;
		}

		/** Limits the whole exchange, body included; {@code null} or zero for none. */
		public Builder timeout(@Nullable Duration timeout) {
			this.timeout = positiveOrNull(timeout, "timeout");
			return this;
		}

		/**
		 * Limits each socket read; {@code null} for the transport's setting, zero for
		 * none.
		 */
		public Builder readTimeout(@Nullable Duration readTimeout) {
			this.readTimeout = nonNegative(readTimeout, "readTimeout");
			return this;
		}

		/**
		 * Limits TCP connect; {@code null} for the transport's {@code dial-timeout}, zero
		 * for none.
		 */
		public Builder connectTimeout(@Nullable Duration connectTimeout) {
			this.connectTimeout = nonNegative(connectTimeout, "connectTimeout");
			return this;
		}

		/** TLS for {@code https}; {@code null} for the transport's. */
		public Builder sslContext(@Nullable SSLContext sslContext) {
			this.sslContext = sslContext;
			return this;
		}

		public Request build() {
			return new Request(this);
		}

		private static @Nullable Duration positiveOrNull(@Nullable Duration duration, String name) {
			if (duration == null || duration.isZero()) {
				return null;
			}
			if (duration.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative, was " + duration);
			}
			return duration;
		}

		private static @Nullable Duration nonNegative(@Nullable Duration duration, String name) {
			if (duration != null && duration.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative, was " + duration);
			}
			return duration;
		}

	}

}
