package dev.roundtrip.transport;

import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * Where a connection goes, and so which requests may share it: the pool key. Scheme, host
 * and port; the proxy, if any; and for {@code https} the TLS configuration the connection
 * was made with, compared by identity, so a connection made with one client certificate
 * or trust store is never handed to a request configured with another. Go:
 * {@code connectMethodKey}.
 */
public final class Destination {

	private final String scheme;

	private final String host;

	private final int port;

	private final @Nullable String proxy;

	private final @Nullable SSLContext sslContext;

	private final int hash;

	/**
	 * A destination.
	 * @param scheme {@code http} or {@code https}
	 * @param host the host name or literal address, in any case
	 * @param port the port, 1 to 65535
	 * @param proxy the proxy as {@code host:port} ({@code https://host:port} or
	 * {@code socks5://host:port} for those kinds), or {@code null} when direct
	 * @param sslContext the TLS configuration for {@code https}; {@code null} for
	 * {@code http}
	 */
	public Destination(String scheme, String host, int port, @Nullable String proxy, @Nullable SSLContext sslContext) {
		this.scheme = Objects.requireNonNull(scheme, "scheme");
		this.host = Objects.requireNonNull(host, "host").toLowerCase(Locale.ROOT);
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("Port " + port + " is out of range 1-65535");
		}
		this.port = port;
		this.proxy = proxy;
		this.sslContext = sslContext;
		// By hand, not Objects.hash: this runs for every request and should allocate
		// nothing.
		int h = scheme.hashCode();
		h = 31 * h + this.host.hashCode();
		h = 31 * h + port;
		h = 31 * h + ((proxy != null) ? proxy.hashCode() : 0);
		this.hash = 31 * h + System.identityHashCode(sslContext);
	}

	public String scheme() {
		return this.scheme;
	}

	/** The host, lower-case; an IPv6 literal without brackets. */
	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/**
	 * {@code host:port}, with an IPv6 literal in brackets: the form of the {@code Host}
	 * header and of per-host settings.
	 */
	public String authority() {
		return ((this.host.indexOf(':') >= 0) ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

	/**
	 * The proxy's {@code host:port}, after {@code https://} or {@code socks5://} for
	 * those kinds; {@code null} when connected directly.
	 */
	public @Nullable String proxy() {
		return this.proxy;
	}

	public boolean isTls() {
		return "https".equals(this.scheme);
	}

	/**
	 * The TLS configuration connections to this destination are made with, or
	 * {@code null}.
	 */
	public @Nullable SSLContext sslContext() {
		return this.sslContext;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof Destination that && this.hash == that.hash && this.port == that.port
				&& this.scheme.equals(that.scheme) && this.host.equals(that.host)
				&& Objects.equals(this.proxy, that.proxy) && this.sslContext == that.sslContext;
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return this.scheme + "://" + authority() + ((this.proxy != null) ? " via " + this.proxy : "");
	}

}
