/* Sparse memory and router (see tlm_parts.h). */
#include "tlm_parts.h"

#include <algorithm>
#include <cstring>
#include <ostream>
#include <stdexcept>

using namespace sc_core;

namespace gictlm {

sparse_memory::sparse_memory(sc_module_name name, uint64_t size, sc_time read_latency,
                             sc_time write_latency, bool dmi)
    : sc_module(name), socket("socket"), size_(size), rd_lat_(read_latency), wr_lat_(write_latency),
      dmi_(dmi)
{
    socket.register_b_transport(this, &sparse_memory::b_transport);
    socket.register_transport_dbg(this, &sparse_memory::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &sparse_memory::get_dmi);
}

uint8_t *sparse_memory::page(uint64_t pn, bool alloc)
{
    auto it = pages_.find(pn);
    if (it != pages_.end()) return it->second.get();
    if (!alloc) return nullptr;
    std::unique_ptr<uint8_t[]> p(new uint8_t[kPage]());
    uint8_t *raw = p.get();
    pages_.emplace(pn, std::move(p));
    return raw;
}

void sparse_memory::write(uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *s = static_cast<const uint8_t *>(buf);
    while (len) {
        uint64_t off = addr % kPage;
        size_t n = std::min<uint64_t>(len, kPage - off);
        std::memcpy(page(addr / kPage, true) + off, s, n);
        addr += n, s += n, len -= n;
    }
}

void sparse_memory::read(uint64_t addr, void *buf, size_t len)
{
    uint8_t *d = static_cast<uint8_t *>(buf);
    while (len) {
        uint64_t off = addr % kPage;
        size_t n = std::min<uint64_t>(len, kPage - off);
        const uint8_t *p = page(addr / kPage, false);
        if (p)
            std::memcpy(d, p + off, n);
        else
            std::memset(d, 0, n);
        addr += n, d += n, len -= n;
    }
}

/* One b_transport or debug access; *mapped (if given) tells whether the page
 * of the access is allocated afterwards (a single-page access). */
bool sparse_memory::access(tlm::tlm_generic_payload &gp, bool *mapped)
{
    uint64_t a = gp.get_address();
    unsigned len = gp.get_data_length();
    if (gp.get_byte_enable_ptr() || gp.get_streaming_width() < len) {
        gp.set_response_status(gp.get_byte_enable_ptr() ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                                        : tlm::TLM_BURST_ERROR_RESPONSE);
        errors++;
        return false;
    }
    if (a >= size_ || len > size_ - a) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        errors++;
        return false;
    }
    const uint64_t off = a % kPage;
    if (off + len <= kPage && (gp.is_write() || gp.is_read())) {
        /* within one page: one page lookup */
        uint8_t *p = page(a / kPage, gp.is_write());
        if (gp.is_write())
            std::memcpy(p + off, gp.get_data_ptr(), len);
        else if (p)
            std::memcpy(gp.get_data_ptr(), p + off, len);
        else
            std::memset(gp.get_data_ptr(), 0, len);
        if (mapped) *mapped = p != nullptr;
    } else if (gp.is_write()) {
        write(a, gp.get_data_ptr(), len);
    } else if (gp.is_read()) {
        read(a, gp.get_data_ptr(), len);
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

void sparse_memory::b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    bool mapped = false;
    if (!access(gp, &mapped)) return;
    if (gp.is_write()) {
        if (on_write) on_write(gp.get_address(), gp.get_data_ptr(), gp.get_data_length(), delay);
        writes++;
        bytes_written += gp.get_data_length();
        delay += wr_lat_;
    } else if (gp.is_read()) {
        reads++;
        bytes_read += gp.get_data_length();
        delay += rd_lat_;
    }
    if (dmi_ && mapped) gp.set_dmi_allowed(true);
}

unsigned sparse_memory::transport_dbg(tlm::tlm_generic_payload &gp)
{
    if (!access(gp, nullptr)) return 0;
    if (gp.is_write() && on_write)
        on_write(gp.get_address(), gp.get_data_ptr(), gp.get_data_length(), SC_ZERO_TIME);
    return gp.get_data_length();
}

bool sparse_memory::get_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    uint64_t a = gp.get_address();
    if (!dmi_ || a >= size_) {
        dmi.allow_none();
        return false;
    }
    /* One page at a time (the memory is sparse): the page is allocated now. */
    uint64_t pn = a / kPage;
    dmi.set_dmi_ptr(page(pn, true));
    dmi.set_start_address(pn * kPage);
    dmi.set_end_address(std::min(size_, (pn + 1) * kPage) - 1);
    dmi.set_read_latency(rd_lat_);
    dmi.set_write_latency(wr_lat_);
    if (!on_write || (dmi_write_allowed && dmi_write_allowed()))
        dmi.allow_read_write();
    else
        dmi.allow_read();
    return true;
}

router::router(sc_module_name name) : sc_module(name), target("target"), initiator("initiator")
{
    target.register_b_transport(this, &router::b_transport);
    target.register_transport_dbg(this, &router::transport_dbg);
    target.register_get_direct_mem_ptr(this, &router::get_dmi);
    initiator.register_invalidate_direct_mem_ptr(this, &router::invalidate);
}

void router::add_entry(uint64_t base, uint64_t size, const std::string &name)
{
    for (const entry &e : map_)
        if (base < e.base + e.size && e.base < base + size)
            throw std::runtime_error("router: " + name + " overlaps " + e.name);
    map_.push_back(entry{base, size, nports_++, name});
    std::sort(map_.begin(), map_.end(), [](const entry &x, const entry &y) { return x.base < y.base; });
    routes_.clear();
}

void router::add_target(tlm::tlm_base_target_socket<> &t, uint64_t base, uint64_t size,
                        const std::string &name)
{
    add_entry(base, size, name);
    initiator.bind(t);
}

void router::print_map(std::ostream &os) const
{
    char buf[160];
    for (const entry &e : map_) {
        std::snprintf(buf, sizeof buf, "  0x%010llx - 0x%010llx  %s\n", (unsigned long long)e.base,
                      (unsigned long long)(e.base + e.size - 1), e.name.c_str());
        os << buf;
    }
}

const router::entry *router::decode(uint64_t addr) const
{
    /* map_ is sorted by base and has no overlaps: the candidate is the last
     * entry with base <= addr (binary search) */
    auto it = std::upper_bound(map_.begin(), map_.end(), addr,
                               [](uint64_t a, const entry &e) { return a < e.base; });
    if (it == map_.begin()) return nullptr;
    --it;
    return addr - it->base < it->size ? &*it : nullptr;
}

/* The route of an access of initiator id to addr that is not its latest one:
 * the one before (swapped to the front), else the entry from the map (null:
 * no target there), which becomes the latest. */
const router::route *router::route_miss(size_t id, uint64_t addr)
{
    if (id >= routes_.size()) routes_.resize(id + 1);
    std::array<route, 2> &r = routes_[id];
    if (addr - r[1].base < r[1].size) {
        std::swap(r[0], r[1]);
        return &r[0];
    }
    const entry *e = decode(addr);
    if (!e) return nullptr;
    r[1] = r[0];
    r[0] = route{e->base, e->size, initiator[(int)e->port]};
    return &r[0];
}

/* An initiator usually accesses the same target as last time (a device its
 * ITS, a CPU the GIC): that route is tried first, inline. */
void router::b_transport(int id, tlm::tlm_generic_payload &gp, sc_time &delay)
{
    const uint64_t a = gp.get_address();
    const size_t i = (size_t)id;
    const route *r = i < routes_.size() ? &routes_[i][0] : nullptr;
    if (!r || a - r->base >= r->size) {
        r = route_miss(i, a);
        if (!r) {
            decode_errors++;
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
    }
    /* (copied: the target may route another access through here, which can
     * change routes_) */
    const uint64_t base = r->base;
    tlm::tlm_fw_transport_if<> *fw = r->fw;
    gp.set_address(a - base);
    fw->b_transport(gp, delay);
    gp.set_address(a);
}

unsigned router::transport_dbg(int, tlm::tlm_generic_payload &gp)
{
    uint64_t a = gp.get_address();
    const entry *e = decode(a);
    if (!e) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    gp.set_address(a - e->base);
    unsigned n = initiator[e->port]->transport_dbg(gp);
    gp.set_address(a);
    return n;
}

bool router::get_dmi(int, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    uint64_t a = gp.get_address();
    const entry *e = decode(a);
    if (!e) return false;
    gp.set_address(a - e->base);
    bool ok = initiator[e->port]->get_direct_mem_ptr(gp, dmi);
    gp.set_address(a);
    dmi.set_start_address(dmi.get_start_address() + e->base);
    dmi.set_end_address(std::min<uint64_t>(dmi.get_end_address(), e->size - 1) + e->base);
    return ok;
}

void router::invalidate(int port, sc_dt::uint64 start, sc_dt::uint64 end)
{
    for (const entry &e : map_) {
        if ((int)e.port != port || start >= e.size) continue;
        /* the target's range, clipped to its window (e.g. 0..~0 "everything") */
        const uint64_t hi = std::min<uint64_t>(end, e.size - 1);
        for (unsigned i = 0; i < target.size(); i++)
            target[i]->invalidate_direct_mem_ptr(start + e.base, hi + e.base);
    }
}

} // namespace gictlm
