package config

import (
	"fmt"
	"math/big"
	"net"
	"net/netip"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions is the function table of configuration expressions: the cty
// standard library under terraform's names, try/can, type conversions and
// the CIDR helpers. Built per load rather than held in a package variable.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"ceil":            stdlib.CeilFunc,
		"floor":           stdlib.FloorFunc,
		"log":             stdlib.LogFunc,
		"max":             stdlib.MaxFunc,
		"min":             stdlib.MinFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"signum":          stdlib.SignumFunc,
		"chomp":           stdlib.ChompFunc,
		"format":          stdlib.FormatFunc,
		"formatlist":      stdlib.FormatListFunc,
		"indent":          stdlib.IndentFunc,
		"join":            stdlib.JoinFunc,
		"lower":           stdlib.LowerFunc,
		"upper":           stdlib.UpperFunc,
		"replace":         stdlib.ReplaceFunc,
		"regex":           stdlib.RegexFunc,
		"regexall":        stdlib.RegexAllFunc,
		"split":           stdlib.SplitFunc,
		"strrev":          stdlib.ReverseFunc,
		"substr":          stdlib.SubstrFunc,
		"title":           stdlib.TitleFunc,
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           stdlib.IndexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          stdlib.LengthFunc,
		"lookup":          stdlib.LookupFunc,
		"merge":           stdlib.MergeFunc,
		"range":           rangeFunc(),
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"try":             tryfunc.TryFunc,
		"can":             tryfunc.CanFunc,
		"tostring":        stdlib.MakeToFunc(cty.String),
		"tonumber":        stdlib.MakeToFunc(cty.Number),
		"tobool":          stdlib.MakeToFunc(cty.Bool),
		"tolist":          stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset":           stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"cidrhost":        cidrHost(),
		"cidrsubnet":      cidrSubnet(),
		"cidrnetmask":     cidrNetmask(),
	}
}

// cidrhost(prefix, hostnum): the hostnum-th address of prefix; negative
// numbers count from the end, as in terraform.
func cidrHost() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "prefix", Type: cty.String},
			{Name: "hostnum", Type: cty.Number},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, err := parsePrefixArg(args[0])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			n := args[1].AsBigFloat()
			if !n.IsInt() {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "hostnum must be a whole number")
			}
			num, _ := n.Int(nil)
			size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
			if num.Sign() < 0 {
				num.Add(num, size)
			}
			if num.Sign() < 0 || num.Cmp(size) >= 0 {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "prefix %s has no host number %s", p, n.Text('f', -1))
			}
			return cty.StringVal(addrAdd(p.Addr(), num).String()), nil
		},
	})
}

// cidrsubnet(prefix, newbits, netnum): the netnum-th subnet of prefix with
// newbits more prefix bits.
func cidrSubnet() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "prefix", Type: cty.String},
			{Name: "newbits", Type: cty.Number},
			{Name: "netnum", Type: cty.Number},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, err := parsePrefixArg(args[0])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			newbits, ok := wholeNumber(args[1].AsBigFloat())
			bits := int64(p.Bits()) + newbits
			if !ok || newbits < 0 || bits > int64(p.Addr().BitLen()) {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "prefix %s cannot be extended by %s bits", p, args[1].AsBigFloat().Text('f', -1))
			}
			netnum, ok := wholeNumber(args[2].AsBigFloat())
			if !ok || netnum < 0 || (newbits < 63 && netnum >= int64(1)<<newbits) {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(2, "prefix %s has no subnet number %s with %d new bits", p, args[2].AsBigFloat().Text('f', -1), newbits)
			}
			off := new(big.Int).Lsh(big.NewInt(netnum), uint(int64(p.Addr().BitLen())-bits))
			return cty.StringVal(netip.PrefixFrom(addrAdd(p.Addr(), off), int(bits)).String()), nil
		},
	})
}

// cidrnetmask(prefix): the dotted netmask of an IPv4 prefix.
func cidrNetmask() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, err := parsePrefixArg(args[0])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			if !p.Addr().Is4() {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "only IPv4 prefixes have a dotted netmask")
			}
			return cty.StringVal(net.IP(net.CIDRMask(p.Bits(), 32)).String()), nil
		},
	})
}

func parsePrefixArg(v cty.Value) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(v.AsString())
	if err != nil {
		return netip.Prefix{}, function.NewArgErrorf(0, "%q is not a CIDR prefix like 10.0.0.0/24", v.AsString())
	}
	return p.Masked(), nil
}

// addrAdd returns a + n, n being smaller than the address space after a.
func addrAdd(a netip.Addr, n *big.Int) netip.Addr {
	sum := new(big.Int).Add(new(big.Int).SetBytes(a.AsSlice()), n)
	buf := make([]byte, a.BitLen()/8)
	sum.FillBytes(buf)
	out, ok := netip.AddrFromSlice(buf)
	if !ok {
		panic(fmt.Sprintf("addrAdd: %d bytes is not an address", len(buf)))
	}
	return out
}
