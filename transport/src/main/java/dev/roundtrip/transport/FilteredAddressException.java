package dev.roundtrip.transport;

import java.net.ConnectException;
import java.net.InetAddress;
import java.util.List;

/**
 * Every address of a host (or of the proxy) was refused by the transport's
 * {@link AddressFilter}: nothing was connected to, nothing was sent.
 */
public class FilteredAddressException extends ConnectException {

	private static final long serialVersionUID = 1L;

	private final String host;

	private final transient List<InetAddress> refused;

	public FilteredAddressException(String host, List<InetAddress> refused, String message) {
		super(message);
		this.host = host;
		this.refused = List.copyOf(refused);
	}

	/** The host, as it was asked for (a name or a literal address). */
	public String host() {
		return this.host;
	}

	/** The addresses the host resolved to, all of which the filter refused. */
	public List<InetAddress> refused() {
		return this.refused;
	}

}
