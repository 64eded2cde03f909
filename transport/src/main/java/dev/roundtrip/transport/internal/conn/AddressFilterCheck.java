package dev.roundtrip.transport.internal.conn;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.FilteredAddressException;

/**
 * The {@link AddressFilter} applied to a host's resolved addresses, by the dialer, just
 * before it connects to them.
 */
final class AddressFilterCheck {

	private AddressFilterCheck() {
	}

	/**
	 * The addresses {@code filter} permits, in their order; all of them when there is no
	 * filter.
	 * @param role {@code "proxy "} or empty, for the message
	 * @throws FilteredAddressException when it permits none
	 */
	static InetAddress[] permitted(AddressFilter filter, String host, String role, InetAddress[] addresses)
			throws FilteredAddressException {
		if (filter == null) {
			return addresses;
		}
		List<InetAddress> permitted = new ArrayList<>(addresses.length);
		for (InetAddress address : addresses) {
			if (filter.permits(address)) {
				permitted.add(address);
			}
		}
		if (permitted.isEmpty()) {
			List<String> literal = new ArrayList<>(addresses.length);
			for (InetAddress address : addresses) {
				literal.add(address.getHostAddress());
			}
			throw new FilteredAddressException(host, List.of(addresses), "Refused to connect to " + role + "host "
					+ host + ": the address filter permits none of its addresses " + literal);
		}
		return (permitted.size() == addresses.length) ? addresses : permitted.toArray(new InetAddress[0]);
	}

}
