package i18n_test

import (
	"fmt"
	"os"

	"github.com/netlab/netlab/i18n"
)

func ExampleChoose() {
	lang, err := i18n.Choose("", func(k string) string {
		return map[string]string{"LANG": "zh_CN.UTF-8"}[k]
	})
	fmt.Println(lang, err)
	lang, _ = i18n.Choose("en", os.Getenv) // --lang wins
	fmt.Println(lang)
	// Output:
	// zh <nil>
	// en
}

func ExampleT() {
	d := i18n.Data{"N": 2, "Total": 6, "Title": "veth"}
	fmt.Println(i18n.T(i18n.EN, "step-heading", d))
	fmt.Println(i18n.T(i18n.ZH, "step-heading", d))
	fmt.Println(i18n.TN(i18n.EN, "steps-left", 1, nil))
	// Output:
	// Step 2/6 · veth
	// 第 2/6 步 · veth
	// 1 step left
}

func ExampleWrap() {
	fmt.Print(i18n.Wrap("新建的命名空间里只有回环接口 lo，而且它是 DOWN 的。", 20))
	// Output:
	// 新建的命名空间里只有
	// 回环接口 lo，而且它
	// 是 DOWN 的。
}

func ExamplePadRight() {
	for _, r := range [][2]string{{"网桥", "bridge"}, {"veth 对", "veth"}} {
		fmt.Printf("%s|%s\n", i18n.PadRight(r[0], 10), r[1])
	}
	// Output:
	// 网桥      |bridge
	// veth 对   |veth
}
