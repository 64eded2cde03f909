package dev.roundtrip.transport.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.internal.http1.RequestWriter;

/**
 * The request line's target and the {@code Host} header, built from a request's URI. Go:
 * {@code (*URL).RequestURI} and {@code (*Request).write}.
 */
final class RequestTarget {

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private RequestTarget() {
	}

	/**
	 * Origin form ({@code /path?query}), or absolute form through a plain-HTTP proxy.
	 * Characters beyond ASCII in the path or query, which {@link URI} allows unescaped,
	 * are sent percent-encoded as UTF-8, as Go sends them. Computed once per call, before
	 * a connection is taken.
	 * @throws IllegalArgumentException if the target would contain whitespace or a
	 * control character ({@link URI} lets neither through, so this is a guard)
	 */
	static String of(URI uri, Destination destination) {
		String path = uri.getRawPath();
		String query = uri.getRawQuery();
		if (path == null || path.isEmpty()) {
			path = "/";
		}
		String target = (query != null) ? path + "?" + query : path;
		if (ProxyConfig.forwardsRequests(destination)) {
			target = destination.scheme() + "://" + hostHeader(uri, destination) + target;
		}
		target = percentEncodeNonAscii(target);
		RequestWriter.checkTarget(target);
		return target;
	}

	/** {@code host[:port]}, the port left out when it is the scheme's default. */
	static String hostHeader(URI uri, Destination destination) {
		int port = hostHeaderPort(destination);
		return (port < 0) ? uri.getHost() : uri.getHost() + ":" + port;
	}

	/** The port the {@code Host} header names; -1 when it is the scheme's default. */
	static int hostHeaderPort(Destination destination) {
		int port = destination.port();
		boolean defaultPort = (port == 80 && !destination.isTls()) || (port == 443 && destination.isTls());
		return defaultPort ? -1 : port;
	}

	private static String percentEncodeNonAscii(String s) {
		int i = 0;
		while (i < s.length() && s.charAt(i) < 0x80) {
			i++;
		}
		if (i == s.length()) {
			// The common case allocates nothing.
			return s;
		}
		StringBuilder encoded = new StringBuilder(s.length() + 16).append(s, 0, i);
		for (byte b : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xff;
			if (c < 0x80) {
				encoded.append((char) c);
			}
			else {
				encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
			}
		}
		return encoded.toString();
	}

}
