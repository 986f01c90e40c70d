/* client: the client's address (the peer, or behind a local reverse proxy the address the proxy
 * saw) and the session token a request presented, read from libmicrohttpd for the api layer. */
#include "http/client.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static struct MHD_Connection *connection_of(const struct request *req)
{
    return (struct MHD_Connection *)req->transport;
}

static bool peer_is_loopback(const struct sockaddr *addr)
{
    if (addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
               (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127);
    }
    return false;
}

/* The address text of addr into out; false for a family other than IPv4 and IPv6. */
static bool peer_text(const struct sockaddr *addr, char *out, size_t size)
{
    if (addr->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, out,
                         (socklen_t)size) != NULL;
    if (addr->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, out,
                         (socklen_t)size) != NULL;
    return false;
}

/* The last entry of an X-Forwarded-For list, in canonical form into out; false unless it is
 * one well-formed IPv4 or IPv6 address. */
static bool forwarded_address(const char *list, char *out, size_t size)
{
    const char *last = strrchr(list, ',');
    last = last != NULL ? last + 1 : list;
    last += strspn(last, " \t");
    size_t len = strcspn(last, " \t");
    if (last[len + strspn(last + len, " \t")] != '\0')
        return false;
    char text[INET6_ADDRSTRLEN];
    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, last, len);
    text[len] = '\0';
    unsigned char binary[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, text, binary) == 1)
        return inet_ntop(AF_INET, binary, out, (socklen_t)size) != NULL;
    if (inet_pton(AF_INET6, text, binary) == 1)
        return inet_ntop(AF_INET6, binary, out, (socklen_t)size) != NULL;
    return false;
}

bool request_client_address(const struct request *req, char *out, size_t size)
{
    if (req->transport == NULL)
        return false;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection_of(req), MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL)
        return false;
    const struct sockaddr *peer = info->client_addr;
    if (peer_is_loopback(peer)) {
        const char *forwarded = MHD_lookup_connection_value(connection_of(req), MHD_HEADER_KIND,
                                                            "X-Forwarded-For");
        if (forwarded != NULL && forwarded_address(forwarded, out, size))
            return true;
    }
    return peer_text(peer, out, size);
}

const char *request_session_token(const struct request *req)
{
    if (req->transport == NULL)
        return NULL;
    const char *auth = MHD_lookup_connection_value(connection_of(req), MHD_HEADER_KIND,
                                                   "Authorization");
    if (auth != NULL) {
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return NULL;
        return auth + 7 + strspn(auth + 7, " ");
    }
    const char *cookie = MHD_lookup_connection_value(connection_of(req), MHD_COOKIE_KIND,
                                                     "techpool_session");
    return cookie != NULL && cookie[0] != '\0' ? cookie : NULL;
}
