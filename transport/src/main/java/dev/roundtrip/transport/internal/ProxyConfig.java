package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportSettings;

/**
 * Which HTTP proxy a request goes through, if any.
 * <ul>
 * <li>{@code proxy.url} set: every request goes through it, loopback targets included
 * (Go: {@code http.ProxyURL}), but for those {@code proxy.non-proxy-hosts} lists (in
 * {@code NO_PROXY} syntax); the {@code NO_PROXY} variable does not apply.</li>
 * <li>Else, with {@code proxy.from-environment}: {@code HTTPS_PROXY} for {@code https}
 * targets, {@code HTTP_PROXY} for {@code http}, each falling back to its lower-case name;
 * {@code NO_PROXY} lists exceptions; {@code localhost} and loopback addresses are never
 * proxied; a value without a scheme means {@code http://}. The environment is read once,
 * when the transport is built. Go: {@code http.ProxyFromEnvironment} and
 * {@code golang.org/x/net/http/httpproxy}.</li>
 * </ul>
 * Three kinds of proxy, as Go has:
 * <ul>
 * <li>{@code http://}: plain requests are sent to it in absolute form, {@code https} ones
 * through a {@code CONNECT} tunnel.</li>
 * <li>{@code https://}: the same, inside TLS with the proxy, whose certificate is checked
 * with the transport's trust settings.</li>
 * <li>{@code socks5://} (or {@code socks5h://}): a SOCKS5 {@code CONNECT} to the
 * destination's host name, which the proxy resolves (RFC 1928); then the request as if
 * connected directly, TLS with the origin included.</li>
 * </ul>
 * A proxy URL's user info becomes {@code Proxy-Authorization: Basic} for HTTP proxies and
 * RFC 1929 username/password authentication for SOCKS5.
 *
 * <p>
 * Not found by a DNS lookup: nothing here resolves a host name.
 */
public final class ProxyConfig {

	/** No proxy for anything. */
	public static final ProxyConfig NONE = new ProxyConfig(null, null, null, List.of(), false);

	/** {@code proxy.url}: for every request. */
	private final Proxy fixed;

	/** {@code HTTP_PROXY}, or {@code null}. */
	private final Proxy http;

	/** {@code HTTPS_PROXY}, or {@code null}. */
	private final Proxy https;

	/** {@code NO_PROXY}, parsed. */
	private final List<NoProxyRule> noProxy;

	/**
	 * {@code REQUEST_METHOD} is set: we run as CGI, where {@code HTTP_PROXY} may come
	 * from a request header (httpoxy).
	 */
	private final boolean cgi;

	private ProxyConfig(Proxy fixed, Proxy http, Proxy https, List<NoProxyRule> noProxy, boolean cgi) {
		this.fixed = fixed;
		this.http = http;
		this.https = https;
		this.noProxy = noProxy;
		this.cgi = cgi;
	}

	/**
	 * The proxies of {@code settings}, reading the environment through
	 * {@code environment} if it says so.
	 */
	public static ProxyConfig of(TransportSettings settings, Function<String, String> environment) {
		if (settings.proxy() != null) {
			return new ProxyConfig(Proxy.parse("proxy.url", settings.proxy()), null, null,
					NoProxyRule.parseAll(settings.nonProxyHosts()), false);
		}
		if (settings.proxyFromEnvironment()) {
			if (settings.nonProxyHosts() == null) {
				return fromEnvironment(environment);
			}
			// proxy.non-proxy-hosts, where set, stands for NO_PROXY.
			return fromEnvironment((name) -> ("NO_PROXY".equals(name) || "no_proxy".equals(name))
					? settings.nonProxyHosts() : environment.apply(name));
		}
		return NONE;
	}

	/**
	 * The proxies named by {@code HTTP_PROXY}, {@code HTTPS_PROXY} and {@code NO_PROXY}
	 * (or their lower-case forms) as {@code environment} gives them.
	 */
	public static ProxyConfig fromEnvironment(Function<String, String> environment) {
		Proxy http = Proxy.fromEnvironment(environment, "HTTP_PROXY", "http_proxy");
		Proxy https = Proxy.fromEnvironment(environment, "HTTPS_PROXY", "https_proxy");
		String noProxy = firstSet(environment, "NO_PROXY", "no_proxy");
		String requestMethod = environment.apply("REQUEST_METHOD");
		if (http == null && https == null) {
			return NONE;
		}
		return new ProxyConfig(null, http, https, NoProxyRule.parseAll(noProxy),
				requestMethod != null && !requestMethod.isEmpty());
	}

	/** Whether any request may go through a proxy. */
	public boolean isEmpty() {
		return this.fixed == null && this.http == null && this.https == null;
	}

	/**
	 * The proxy for a request to {@code scheme://host:port}, or {@code null} to connect
	 * directly.
	 * @param host lower-case, an IPv6 literal without brackets
	 * @throws IOException if the proxy that applies is unusable (not {@code http://},
	 * malformed) or is {@code HTTP_PROXY} under CGI
	 */
	public Proxy forTarget(String scheme, String host, int port) throws IOException {
		if (this.fixed != null) {
			// proxy.url: loopback too, unless proxy.non-proxy-hosts says otherwise.
			return (!this.noProxy.isEmpty() && matchesNoProxy(host, port, ipLiteral(host))) ? null
					: this.fixed.usable();
		}
		boolean tls = "https".equals(scheme);
		Proxy proxy = tls ? this.https : this.http;
		if (proxy == null || !useProxy(host, port)) {
			return null;
		}
		if (!tls && this.cgi) {
			throw new IOException("Refusing to use HTTP_PROXY for " + scheme + "://" + host + ":" + port
					+ ": REQUEST_METHOD is set, so this may be a CGI program, where HTTP_PROXY can come from a"
					+ " request's Proxy header (httpoxy); set proxy.url instead");
		}
		return proxy.usable();
	}

	/**
	 * The proxy a connection to {@code destination} goes through; {@code null} when it is
	 * direct.
	 */
	public Proxy forDestination(Destination destination) throws IOException {
		if (destination.proxy() == null) {
			return null;
		}
		Proxy proxy = (this.fixed != null) ? this.fixed : destination.isTls() ? this.https : this.http;
		if (proxy == null || !proxy.authority().equals(destination.proxy())) {
			throw new IOException("No proxy " + destination.proxy() + " is configured for " + destination);
		}
		return proxy.usable();
	}

	/**
	 * Whether requests to {@code destination} are sent to its proxy in absolute form,
	 * with {@code Proxy-Authorization}: plain HTTP through an HTTP(S) proxy. Through a
	 * SOCKS proxy, or a tunnel, requests are written as to the origin.
	 */
	public static boolean forwardsRequests(Destination destination) {
		String proxy = destination.proxy();
		return proxy != null && !destination.isTls() && !proxy.startsWith(Proxy.SOCKS5 + "://");
	}

	/** Go: {@code (*config).useProxy}. */
	private boolean useProxy(String host, int port) {
		if (host.equals("localhost")) {
			return false;
		}
		byte[] ip = ipLiteral(host);
		if (ip != null && isLoopback(ip)) {
			return false;
		}
		return !matchesNoProxy(host, port, ip);
	}

	private boolean matchesNoProxy(String host, int port, byte[] ip) {
		host = NoProxyRule.ascii(host);
		for (NoProxyRule rule : this.noProxy) {
			if (rule.matches(host, port, ip)) {
				return true;
			}
		}
		return false;
	}

	private static String firstSet(Function<String, String> environment, String name, String lowerCaseName) {
		String value = environment.apply(name);
		if (value == null || value.isEmpty()) {
			value = environment.apply(lowerCaseName);
		}
		return (value == null || value.isEmpty()) ? null : value;
	}

	/**
	 * The bytes of an IPv4 or IPv6 literal, or {@code null} for a host name. Never a DNS
	 * lookup.
	 */
	public static byte[] ipLiteral(String host) {
		if (host.indexOf(':') >= 0) {
			// Only an IPv6 literal contains a colon, and InetAddress parses those without
			// a lookup.
			try {
				return InetAddress.getByName(host.startsWith("[") ? host : "[" + host + "]").getAddress();
			}
			catch (UnknownHostException | RuntimeException ex) {
				return null;
			}
		}
		byte[] bytes = new byte[4];
		int part = 0;
		int value = -1;
		for (int i = 0; i <= host.length(); i++) {
			char c = (i < host.length()) ? host.charAt(i) : '.';
			if (c >= '0' && c <= '9') {
				value = (value < 0) ? c - '0' : value * 10 + (c - '0');
				if (value > 255) {
					return null;
				}
			}
			else if (c == '.' && value >= 0 && part < 4) {
				bytes[part++] = (byte) value;
				value = -1;
			}
			else {
				return null;
			}
		}
		return (part == 4) ? bytes : null;
	}

	private static boolean isLoopback(byte[] ip) {
		if (ip.length == 4) {
			return ip[0] == 127;
		}
		for (int i = 0; i < 15; i++) {
			if (ip[i] != 0) {
				// ::ffff:127.0.0.1, an IPv4-mapped loopback address
				return i == 10 && ip[10] == (byte) 0xff && ip[11] == (byte) 0xff && ip[12] == 127;
			}
		}
		return ip[15] == 1;
	}

	@Override
	public String toString() {
		if (this.fixed != null) {
			return "proxy " + this.fixed;
		}
		if (isEmpty()) {
			return "no proxy";
		}
		return "HTTP_PROXY " + this.http + ", HTTPS_PROXY " + this.https + ", NO_PROXY " + this.noProxy;
	}

	/**
	 * One proxy: where it is and the {@code Proxy-Authorization} value its URL's user
	 * info gives, or why it cannot be used.
	 *
	 * @param authority {@code host:port}, an IPv6 literal in brackets, after
	 * {@code scheme://} for other than {@code http}: the {@link Destination#proxy()} of
	 * connections through it
	 * @param authorization {@code Basic …}, or {@code null} without user info
	 * @param problem why this proxy cannot be used, or {@code null}
	 * @param scheme {@code http}, {@code https} or {@code socks5}
	 * @param user the user info's user, percent-decoded, or {@code null}
	 * @param password the user info's password, percent-decoded, or {@code null}
	 */
	public record Proxy(String host, int port, String authority, String authorization, String problem, String scheme,
			String user, String password) {

		/** The scheme of SOCKS5 proxies; {@code socks5h} is read as this. */
		public static final String SOCKS5 = "socks5";

		static Proxy fromEnvironment(Function<String, String> environment, String name, String lowerCaseName) {
			String value = firstSet(environment, name, lowerCaseName);
			if (value == null) {
				return null;
			}
			String source = (value.equals(environment.apply(name))) ? name : lowerCaseName;
			return parse(source, value.trim());
		}

		/**
		 * Go: {@code httpproxy.parseProxy}: a value without a scheme (or without a host)
		 * is read as {@code http://value}.
		 */
		static Proxy parse(String source, String value) {
			URI uri = null;
			try {
				uri = new URI(value);
			}
			catch (URISyntaxException ex) {
				// Maybe host:port; tried below.
			}
			if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
				try {
					uri = new URI("http://" + value);
				}
				catch (URISyntaxException ex) {
					return unusable(source, value, "it is not a URL: " + ex.getMessage());
				}
			}
			return parse(source, uri);
		}

		static Proxy parse(String source, URI uri) {
			String shown = redact(uri);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (scheme.equals("socks5h")) {
				// Go's alias: the proxy resolves the host, which socks5 here does too.
				scheme = SOCKS5;
			}
			if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals(SOCKS5)) {
				return unusable(source, shown,
						"only http://, https:// and socks5:// proxies are supported, not " + scheme + "://");
			}
			String host = uri.getHost();
			if (host == null || host.isEmpty()) {
				return unusable(source, shown, "it has no host");
			}
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			host = host.toLowerCase(Locale.ROOT);
			int port = (uri.getPort() != -1) ? uri.getPort() : defaultPort(scheme);
			String hostPort = ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + port;
			String authority = scheme.equals("http") ? hostPort : scheme + "://" + hostPort;
			String rawUserInfo = uri.getRawUserInfo();
			String user = null;
			String password = null;
			if (rawUserInfo != null) {
				int colon = rawUserInfo.indexOf(':');
				user = decode((colon >= 0) ? rawUserInfo.substring(0, colon) : rawUserInfo);
				password = (colon >= 0) ? decode(rawUserInfo.substring(colon + 1)) : "";
			}
			String authorization = (user == null || scheme.equals(SOCKS5)) ? null : "Basic "
					+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
			return new Proxy(host, port, authority, authorization, null, scheme, user, password);
		}

		/** Go: {@code connectMethod.addr}'s defaults. */
		private static int defaultPort(String scheme) {
			return switch (scheme) {
				case "https" -> 443;
				case SOCKS5 -> 1080;
				default -> 80;
			};
		}

		private static Proxy unusable(String source, String value, String why) {
			return new Proxy(null, 0, null, null, source + " " + value + " cannot be used: " + why, null, null, null);
		}

		/** Whether this is a SOCKS5 proxy. */
		public boolean isSocks() {
			return SOCKS5.equals(this.scheme);
		}

		/** Whether connections to this proxy run TLS with it. */
		public boolean isTls() {
			return "https".equals(this.scheme);
		}

		/** {@code scheme://host:port}, for messages. */
		public String url() {
			return this.authority.contains("://") ? this.authority : "http://" + this.authority;
		}

		private static String decode(String s) {
			return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
		}

		/** The URL without its password, for messages. */
		private static String redact(URI uri) {
			String userInfo = uri.getRawUserInfo();
			if (userInfo == null) {
				return uri.toString();
			}
			int colon = userInfo.indexOf(':');
			String user = (colon >= 0) ? userInfo.substring(0, colon) + ":***" : userInfo;
			return uri.toString().replace(userInfo + "@", user + "@");
		}

		Proxy usable() throws IOException {
			if (this.problem != null) {
				throw new IOException(this.problem);
			}
			return this;
		}

		@Override
		public String toString() {
			// Never the credentials.
			return (this.problem != null) ? "(unusable: " + this.problem + ")"
					: url() + ((this.user != null) ? " (with credentials)" : "");
		}

	}

	/**
	 * One {@code NO_PROXY} entry: {@code *}, an IP address or CIDR block, or a domain
	 * ({@code example.com} matches it and its subdomains, {@code .example.com} and
	 * {@code *.example.com} only subdomains), each optionally with {@code :port}. Go:
	 * {@code httpproxy}'s matchers.
	 */
	record NoProxyRule(boolean all, byte[] network, int prefixBits, String domain, boolean matchesDomainItself,
			int port) {

		static List<NoProxyRule> parseAll(String value) {
			List<NoProxyRule> rules = new ArrayList<>();
			if (value == null) {
				return rules;
			}
			for (String part : value.split(",")) {
				String entry = part.trim().toLowerCase(Locale.ROOT);
				if (entry.isEmpty()) {
					continue;
				}
				if (entry.equals("*")) {
					return List.of(new NoProxyRule(true, null, 0, null, false, -1));
				}
				NoProxyRule rule = parse(entry);
				if (rule != null) {
					rules.add(rule);
				}
			}
			return List.copyOf(rules);
		}

		/** One entry, or {@code null} if it is malformed (ignored, as Go does). */
		private static NoProxyRule parse(String entry) {
			int slash = entry.indexOf('/');
			if (slash > 0) {
				byte[] network = ipLiteral(entry.substring(0, slash));
				int bits = parsePort(entry.substring(slash + 1));
				if (network == null || bits < 0 || bits > network.length * 8) {
					return null;
				}
				return new NoProxyRule(false, network, bits, null, false, -1);
			}
			String host = entry;
			int port = -1;
			int colon = entry.lastIndexOf(':');
			if (entry.startsWith("[")) {
				int close = entry.indexOf(']');
				if (close < 0) {
					return null;
				}
				host = entry.substring(1, close);
				if (close + 1 < entry.length()) {
					if (entry.charAt(close + 1) != ':' || (port = parsePort(entry.substring(close + 2))) < 0) {
						return null;
					}
				}
			}
			else if (colon > 0 && entry.indexOf(':') == colon) {
				host = entry.substring(0, colon);
				port = parsePort(entry.substring(colon + 1));
				if (port < 0) {
					return null;
				}
			}
			byte[] ip = ipLiteral(host);
			if (ip != null) {
				return new NoProxyRule(false, ip, ip.length * 8, null, false, port);
			}
			if (host.isEmpty() || host.indexOf(':') >= 0) {
				return null;
			}
			if (host.startsWith("*.")) {
				host = host.substring(1);
			}
			host = ascii(host);
			boolean itself = !host.startsWith(".");
			String domain = itself ? "." + host : host;
			return new NoProxyRule(false, null, 0, domain, itself, port);
		}

		/**
		 * {@code host} with its internationalized labels in ASCII (punycode), lower-case,
		 * so that {@code bücher.example} and {@code xn--bcher-kva.example} are one name;
		 * as it was if it is not a valid IDN. Go: {@code idnaASCII} in {@code httpproxy}.
		 */
		static String ascii(String host) {
			for (int i = 0; i < host.length(); i++) {
				if (host.charAt(i) >= 0x80) {
					try {
						// A rule's leading dot (subdomains only) is no label of its own.
						boolean dot = host.startsWith(".");
						String ascii = IDN.toASCII(dot ? host.substring(1) : host, IDN.ALLOW_UNASSIGNED);
						return (dot ? "." : "") + ascii.toLowerCase(Locale.ROOT);
					}
					catch (IllegalArgumentException ex) {
						return host;
					}
				}
			}
			return host;
		}

		private static int parsePort(String s) {
			if (s.isEmpty() || s.length() > 5) {
				return -1;
			}
			for (int i = 0; i < s.length(); i++) {
				if (s.charAt(i) < '0' || s.charAt(i) > '9') {
					return -1;
				}
			}
			return Integer.parseInt(s);
		}

		boolean matches(String host, int port, byte[] ip) {
			if (this.all) {
				return true;
			}
			if (this.port >= 0 && this.port != port) {
				return false;
			}
			if (this.network != null) {
				return ip != null && ip.length == this.network.length && samePrefix(ip, this.network, this.prefixBits);
			}
			return host.endsWith(this.domain) || (this.matchesDomainItself && host.equals(this.domain.substring(1)));
		}

		private static boolean samePrefix(byte[] a, byte[] b, int bits) {
			int full = bits / 8;
			for (int i = 0; i < full; i++) {
				if (a[i] != b[i]) {
					return false;
				}
			}
			int rest = bits % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (a[full] & mask) == (b[full] & mask);
		}

		@Override
		public String toString() {
			if (this.all) {
				return "*";
			}
			String port = (this.port >= 0) ? ":" + this.port : "";
			if (this.network != null) {
				try {
					return InetAddress.getByAddress(this.network).getHostAddress() + "/" + this.prefixBits + port;
				}
				catch (UnknownHostException ex) {
					return "?" + port;
				}
			}
			return (this.matchesDomainItself ? this.domain.substring(1) : this.domain) + port;
		}

	}

}
